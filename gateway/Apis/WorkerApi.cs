using L402Train.Gateway.Bounties;
using L402Train.Gateway.Workers;
using L402Train.Grains.Workers;
using L402Train.L402.Gate;
using L402Train.Lightning;
using L402Train.Protocol.Research;
using L402Train.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Gateway.Apis;

/// <summary>
/// The worker role's API (docs/workers.md): <c>POST /experiment</c> over L402 in hold mode (settled when the result is
/// delivered, cancelled when the worker fails to deliver), <c>GET /experiment/{id}</c> (long-poll with <c>?wait=</c>)
/// and the signed <c>/.well-known/agent-registration.json</c>.
/// </summary>
public static class WorkerApi
{
    /// <summary>The capability of an experiment token.</summary>
    public const string Capability = "experiment";

    /// <summary>
    /// The response header of every <c>POST /experiment</c> answer (the 402 and a 400 included) listing the experiment
    /// kinds this worker sells, <c>trainer, archive</c> or <c>trainer</c>, so a buyer learns it before paying.
    /// </summary>
    public const string KindsHeader = "L402Train-Experiment-Kinds";

    /// <summary>How long <c>POST /experiment</c> waits for the result before it answers 202 (unless <c>?wait=</c> or <c>Prefer: respond-async</c>).</summary>
    public static readonly TimeSpan SubmitWait = TimeSpan.FromSeconds(30);

    /// <summary>Maps the worker routes.</summary>
    public static IEndpointRouteBuilder MapWorkerApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("").WithTags("workers");
        api.MapPost("/experiment", SubmitAsync)
            .WithRequestBody<ExperimentRequest>("application/json")
            .Produces<ExperimentView>().Produces<ExperimentAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .AddEndpointFilter(ReadExperimentAsync)
            .RequireL402(new L402Requirement(
                http => ValueTask.FromResult(new Sats(http.RequestServices.GetRequiredService<WorkerOptions>().PriceSat)), Capability, L402Mode.Hold))
            .WithSummary("Run one experiment (built-in trainer config, or archive + command in the sandbox). L402 hold invoice: settled when the result is delivered, cancelled if the worker fails to deliver. 200 with the result, or 202 + Location.");
        api.MapGet("/experiment/{id}", GetAsync)
            .Produces<ExperimentView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("An experiment's state and result (metrics with val_bpb, timings, worker id, train_hash); ?wait=N long-polls up to N seconds for the result.");
        api.MapGet(ResearchNames.RegistrationPath, RegistrationAsync)
            .Produces<AgentRegistration>().ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("This worker's ERC-8004-style registration (services, OASF skills, price, hardware, best_val_bpb), signed with its Lightning node key.");
        return app;
    }

    private static ValidatedExperiment Experiment(HttpContext http) =>
        http.Features.Get<ValidatedExperiment>() ?? throw new InvalidOperationException("The experiment filter did not run before the L402 gate.");

    // Runs before the gate: a body that would be refused is never priced, so nobody pays for a 400.
    private static async ValueTask<object?> ReadExperimentAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<WorkerOptions>();
        http.Response.Headers[KindsHeader] = string.Join(", ", options.ExperimentKinds);
        var (experiment, problem) = await ExperimentRequestReader.ReadAsync(http.Request, options, http.RequestAborted);
        if (problem is not null) return problem;
        http.Features.Set(experiment!);
        return await next(context);
    }

    private static async Task<Results<JsonHttpResult<ExperimentView>, JsonHttpResult<ExperimentAccepted>, ProblemHttpResult>> SubmitAsync(
        double? wait, HttpContext http, IGrainFactory grains, IBlobStore blobs, ILightningNode node, WorkerOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (SubmissionEndpoints.CheckWait(wait) is { } badWait) return badWait;
        var token = http.GetL402Token() ?? throw new InvalidOperationException("The L402 gate let an unpaid request through.");
        var hash = token.PaymentHash.ToHex();
        var experiment = Experiment(http);
        var grain = grains.GetGrain<IExperimentGrain>(hash);
        string? blob = null;
        if (experiment.Archive is { } archive)
        {
            using var content = new MemoryStream(archive, writable: false);
            blob = (await blobs.PutAsync(content, cancellationToken)).ToString();
        }
        var info = await node.GetInfoAsync(cancellationToken);
        var id = ExperimentViews.IdFor(hash, time.GetUtcNow());
        var state = await grain.FileAsync(new ExperimentFiling(id, experiment.Kind, experiment.Trainer, blob, experiment.Command, experiment.ConfigJson,
            experiment.TimeoutSeconds, experiment.TrainHash, token.TokenId.ToHex(), new Sats(options.PriceSat), info.Id.ToHex()));
        if (state.Filing!.ExperimentId.Length == 0)
            return TypedResults.Problem($"This payment was refunded before the experiment was filed ({state.Outcome?.Error}). Pay a new invoice and submit again.",
                statusCode: StatusCodes.Status409Conflict);
        var experimentId = state.Filing.ExperimentId;
        var location = ExperimentViews.Location(experimentId);
        http.Response.Headers.Location = location;
        var seconds = RespondAsync(http.Request) ? 0 : wait ?? SubmitWait.TotalSeconds;
        state = await SubmissionEndpoints.WaitForVerdictAsync(state, grain.GetAsync, s => s.Finished, seconds, time, cancellationToken);
        if (!state.Finished)
        {
            return TypedResults.Json(new ExperimentAccepted(experimentId, location, state.Stage == ExperimentStage.Running
                ? Protocol.Research.ExperimentState.Running : Protocol.Research.ExperimentState.Queued, hash), ExperimentViews.Json, statusCode: StatusCodes.Status202Accepted);
        }
        return TypedResults.Json(ExperimentViews.View(hash, state), ExperimentViews.Json);
    }

    private static async Task<Results<JsonHttpResult<ExperimentView>, ProblemHttpResult>> GetAsync(
        string id, double? wait, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        if (ExperimentViews.PaymentHashOf(id) is not { } hash)
            return JsonBody.Bad("An experiment id is exp-yyyyMMdd- followed by the 64 hex digits of its payment hash (as POST /experiment answered), or the payment hash alone.");
        if (SubmissionEndpoints.CheckWait(wait) is { } badWait) return badWait;
        var grain = grains.GetGrain<IExperimentGrain>(hash);
        var state = await grain.GetAsync();
        if (state.Filing is not { ExperimentId.Length: > 0 })
            return TypedResults.Problem($"No experiment {id} on this worker.", statusCode: StatusCodes.Status404NotFound);
        state = await SubmissionEndpoints.WaitForVerdictAsync(state, grain.GetAsync, s => s.Finished, wait, time, cancellationToken);
        return TypedResults.Json(ExperimentViews.View(hash, state), ExperimentViews.Json);
    }

    // The endpoint the document names comes from the worker's settings or the address it listens on, never from the
    // request's Host header: a signed document naming a host of the caller's choosing could be replayed to the index.
    private static async Task<Results<JsonHttpResult<AgentRegistration>, ProblemHttpResult>> RegistrationAsync(
        HttpContext http, WorkerRegistration registration, WorkerOptions options, IServer server, CancellationToken cancellationToken)
    {
        var baseUrl = WorkerBaseUrl.Resolve(options, server);
        if (baseUrl is null)
            return TypedResults.Problem("This worker listens on every address and has no public URL to name: start it with --worker-public-url.", statusCode: StatusCodes.Status503ServiceUnavailable);
        return TypedResults.Json(await registration.SignedAsync(baseUrl, cancellationToken), Protocol.ProtocolJson.Options);
    }

    private static bool RespondAsync(HttpRequest request) =>
        request.Headers["Prefer"].Any(v => v is not null && v.Split(',').Any(p => p.Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase)));
}
