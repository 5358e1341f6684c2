using System.Globalization;
using System.Security.Cryptography;
using L402Train.Gateway.Training;
using L402Train.Gateway.L402;
using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using L402Train.L402.Gate;
using L402Train.L402.Tokens;
using L402Train.Lightning;
using L402Train.Protocol;
using L402Train.Protocol.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Gateway.Apis;

/// <summary>The training track's HTTP API (PROTOCOL.md §3).</summary>
public static class TrainingApi
{
    /// <summary>Header a peer may use to name itself when its payload cannot say so.</summary>
    public const string PeerHeader = "X-L402Train-Peer";

    /// <summary>The capability of a gradient deposit token.</summary>
    public const string GradientCapability = "gradient";

    /// <summary>The capability of a checkpoint download token.</summary>
    public const string CheckpointCapability = "checkpoint";

    /// <summary>The longest a long-poll may wait.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Grain records the routes serve as-is with <see cref="HttpJson.Options"/> (<c>GET /rounds/{n}</c>,
    /// <c>GET /reward-schedule</c>): the OpenAPI document names their fields as those options write them
    /// (<see cref="HttpJsonOpenApi.AddHttpJsonSchemas"/>).
    /// </summary>
    public static IReadOnlyList<Type> ServedAsIs { get; } = [typeof(RoundState), typeof(RewardSchedule)];

    /// <summary>Maps the training routes.</summary>
    public static IEndpointRouteBuilder MapTrainingApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var schedule = app.ServiceProvider.GetRequiredService<RewardSchedule>();
        var api = app.MapGroup("").WithTags("training");
        api.MapGet("/reward-schedule", (RewardSchedule s) => TypedResults.Json(s, HttpJson.Options))
            .Produces<RewardSchedule>()
            .WithSummary("The rules: prices, deposit, reward rate and budget, validation parameters.");
        api.MapGet("/checkpoint", GetCheckpoint)
            .Produces<byte[]>(StatusCodes.Status200OK, "application/octet-stream").Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireL402(new Sats(schedule.CheckpointPriceSat), CheckpointCapability)
            .WithSummary("The newest checkpoint (safetensors). Standard L402; ETag is the version; honours If-None-Match.");
        api.MapPut("/gradient", PutGradient)
            .WithRequestBody<byte[]>("application/octet-stream").Produces<SubmissionAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddEndpointFilter(PeerHeaderCheck.BeforeDeposit)
            .RequireL402(new Sats(schedule.DepositSat), GradientCapability, L402Mode.Hold)
            .WithSummary("Submit a compressed pseudo-gradient behind a hold-invoice deposit.");
        api.MapGet("/submissions/{id}", GetSubmission)
            .Produces<SubmissionView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A submission's verdict; ?wait=seconds long-polls until it is decided.");
        api.MapPost("/submissions/{id}/claim", Claim)
            .WithRequestBody<ClaimRequest>("application/json").Produces<ClaimAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Claim a reward with a BOLT11 invoice for exactly the amount; authorized by the deposit's macaroon.");
        api.MapGet("/rounds/{n:int}", GetRound)
            .Produces<RoundState>()
            .WithSummary("A round: status, submissions and verdicts, losses before and after aggregation.");
        return app;
    }

    /// <summary>The training section of <c>GET /status</c>.</summary>
    public static async Task<TrainingStatusView?> StatusAsync(IGrainFactory grains, RewardSchedule schedule, TrainingSetup setup)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(schedule);
        var run = await grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).GetAsync();
        if (!run.Started) return null;
        var round = await grains.GetGrain<IRoundGrain>(run.CurrentRound).GetAsync();
        return TrainingViews.Status(run, round, setup, schedule);
    }

    private static async Task<Results<FileStreamHttpResult, StatusCodeHttpResult, ProblemHttpResult>> GetCheckpoint(
        HttpContext http, IGrainFactory grains, ICheckpointStore checkpoints, ILightningNode node, CancellationToken cancellationToken)
    {
        var run = await grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).GetAsync();
        if (run.Latest is not { } latest)
            return TypedResults.Problem("No checkpoint exists yet: the training run has not started.", statusCode: StatusCodes.Status503ServiceUnavailable);
        await PaidFees.RecordAsync(http, grains, node, InvoicePurpose.CheckpointFee, cancellationToken);
        var etag = $"\"v{latest.Version}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers["X-Checkpoint-Version"] = latest.Version.ToString(CultureInfo.InvariantCulture);
        if (http.Request.Headers.IfNoneMatch.Any(v => v == etag || v == "*")) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        var stream = await checkpoints.OpenAsync(latest, cancellationToken);
        return TypedResults.File(stream, "application/octet-stream", $"checkpoint-v{latest.Version}.safetensors");
    }

    private static async Task<Results<JsonHttpResult<SubmissionAccepted>, ProblemHttpResult>> PutGradient(
        HttpContext http, IGrainFactory grains, IGradientStore gradients, SubmissionValidator validator, RewardSchedule schedule,
        CancellationToken cancellationToken)
    {
        var token = http.GetL402Token() ?? throw new InvalidOperationException("The L402 gate let an unpaid request through.");
        var body = await RequestBody.ReadAsync(http.Request, schedule.MaxPayloadBytes, cancellationToken);
        var refused = body.Problem ?? (body.Bytes!.Length == 0
            ? TypedResults.Problem("The body is empty: send the compressed gradient (compression wire format).", statusCode: StatusCodes.Status400BadRequest)
            : null);
        if (refused is not null)
        {
            // The gate has consumed the token: refund the deposit now rather than hold it until the HTLC expires.
            await grains.GetGrain<ISubmissionGrain>(token.PaymentHash.ToHex()).RefuseAsync(token.TokenId.ToHex(), new Sats(schedule.DepositSat), refused.ProblemDetails.Detail ?? "refused");
            return refused;
        }
        var payload = body.Bytes!;

        // The payload's own metadata names the peer and base version; an undecodable payload is
        // still filed (its deposit is forfeited as malformed), using the header's peer name.
        var decoded = validator.TryDecode(payload, out _);
        var peerId = decoded?.Metadata.PeerId ?? http.Request.Headers[PeerHeader].FirstOrDefault() ?? "anonymous";
        if (PeerHeaderCheck.Problem(peerId) is { } badPeer)
        {
            // The payload named the peer badly (the header was checked before the deposit was taken): refund it.
            await grains.GetGrain<ISubmissionGrain>(token.PaymentHash.ToHex()).RefuseAsync(token.TokenId.ToHex(), new Sats(schedule.DepositSat), badPeer);
            return TypedResults.Problem(badPeer, statusCode: StatusCodes.Status400BadRequest);
        }
        var baseVersion = decoded?.Metadata.BaseVersion is { } v && v is >= 0 and <= int.MaxValue ? (int)v : -1;

        var run = await grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).GetAsync();
        if (!run.Started)
            return TypedResults.Problem("The training run has not started.", statusCode: StatusCodes.Status503ServiceUnavailable);
        var blob = await gradients.SaveAsync(payload, cancellationToken);
        var id = token.PaymentHash.ToHex();
        var arrival = new NewSubmission(peerId, run.CurrentRound, baseVersion, blob, Convert.ToHexStringLower(SHA256.HashData(payload)),
            payload.Length, token.PaymentHash, token.TokenId.ToHex(), new Sats(schedule.DepositSat));
        var filed = await grains.GetGrain<ISubmissionGrain>(id).CreateAsync(arrival);
        if (filed.Received is null)
            return TypedResults.Problem($"The deposit was refunded before this upload was filed: {filed.Refused}. Pay a new deposit and upload again.",
                statusCode: StatusCodes.Status409Conflict);
        http.Response.Headers.Location = $"/submissions/{id}";
        return TypedResults.Json(new SubmissionAccepted(id, run.CurrentRound, $"/submissions/{id}"), HttpJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<Results<JsonHttpResult<SubmissionView>, ProblemHttpResult>> GetSubmission(
        string id, double? wait, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!SubmissionEndpoints.IsHash(id)) return TypedResults.Problem("A submission id is 64 hex characters.", statusCode: StatusCodes.Status400BadRequest);
        if (SubmissionEndpoints.CheckWait(wait) is { } badWait) return badWait;
        var grain = grains.GetGrain<ISubmissionGrain>(id);
        var state = await grain.GetAsync();
        if (state.Received is null) return TypedResults.Problem($"No submission {id}.", statusCode: StatusCodes.Status404NotFound);
        state = await SubmissionEndpoints.WaitForVerdictAsync(state, grain.GetAsync, s => s.Verdict is not null, wait, time, cancellationToken);
        return TypedResults.Json(TrainingViews.Submission(id, state), HttpJson.Options);
    }

    private static async Task<Results<JsonHttpResult<ClaimAccepted>, ProblemHttpResult>> Claim(
        string id, HttpContext http, IGrainFactory grains, ILightningNode node, RootKeyRing keys, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!SubmissionEndpoints.IsHash(id)) return TypedResults.Problem("A submission id is 64 hex characters.", statusCode: StatusCodes.Status400BadRequest);
        var grain = grains.GetGrain<ISubmissionGrain>(id);
        var state = await grain.GetAsync();
        if (state.Received is null) return TypedResults.Problem($"No submission {id}.", statusCode: StatusCodes.Status404NotFound);
        if (DepositOwnership.Check(http.Request, keys, id) is { } denied)
            return TypedResults.Problem($"Claiming needs the deposit's macaroon: {denied}.", statusCode: StatusCodes.Status401Unauthorized);

        var invoice = await ClaimInvoice.ReadAsync(http.Request, node, time, cancellationToken);
        if (invoice.Problem is { } bad) return bad;
        var details = invoice.Details!;
        var outcome = await grain.ClaimAsync(details.Hash, invoice.Bolt11!, details.Amount!.Value.ToSatsFloor(), SubmissionEndpoints.MaxFeeSat(state.RewardSat));
        if (SubmissionEndpoints.ClaimProblem(outcome, $"the reward, {state.RewardSat.Value} sat") is { } refused) return refused;
        return TypedResults.Json(new ClaimAccepted(id, details.Hash.ToHex(), state.RewardSat.Value, state.Reward == RewardStatus.Paid ? "paid" : "paying"),
            HttpJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<Results<JsonHttpResult<RoundState>, NotFound>> GetRound(int n, IGrainFactory grains)
    {
        if (n < 1) return TypedResults.NotFound();
        var round = await grains.GetGrain<IRoundGrain>(n).GetAsync();
        return round.Number == 0 ? TypedResults.NotFound() : TypedResults.Json(round, HttpJson.Options);
    }
}
