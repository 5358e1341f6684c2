using L402Train.Gateway.Bounties;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Sandbox;
using L402Train.Grains.Bounties.Validation;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.L402.Gate;
using L402Train.Lightning;
using L402Train.Protocol;
using L402Train.Protocol.Bounties;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Gateway.Apis;

/// <summary>The bounty track's HTTP API (PROTOCOL.md §4; the wire contract in docs/bounties.md).</summary>
public static partial class BountyApi
{
    /// <summary>Capability of the paid bounty download.</summary>
    public const string ReadCapability = "bounty-read";

    /// <summary>Capability of the submission deposit.</summary>
    public const string SubmitCapability = "bounty-submit";

    /// <summary>Maps the bounty routes.</summary>
    public static IEndpointRouteBuilder MapBountyApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var rules = app.ServiceProvider.GetRequiredService<BountyRules>();
        var api = app.MapGroup("").WithTags("bounties");
        api.MapPost("/bounties", CreateAsync)
            .WithSummary("Post a bounty: terms, baseline and held-out archives, pool. Returns its id, a funding invoice and the sponsor macaroon.");
        api.MapGet("/bounties", ListAsync)
            .WithSummary("Every bounty, optionally filtered by ?status=awaiting_funding|active|closed.");
        api.MapGet("/bounty/{id}", GetAsync)
            .RequireBounty(BountyRequirement.Funded)
            .RequireL402(new Sats(rules.AccessPriceSat), ReadCapability, scope: Scope)
            .WithSummary("A bounty's current best tree (base64 tar.gz with the public set), eval command and rules. Standard L402.");
        api.MapPost("/bounty/{id}/commit", CommitAsync)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("Register sha256(diff ‖ nonce) before revealing the diff; identical diffs are credited to the earliest commitment.");
        api.MapPost("/bounty/{id}/submit", SubmitAsync)
            .RequireBounty(BountyRequirement.Active)
            .RequireL402(new Sats(rules.DepositSat), SubmitCapability, L402Mode.Hold, Scope)
            .WithSummary("Submit a unified diff against the current version behind a hold-invoice deposit; validated in the sandbox.");
        api.MapGet("/bounty/{id}/submissions/{sid}", GetSubmissionAsync)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("A submission's verdict; ?wait=seconds long-polls until it is decided.");
        api.MapPost("/bounty/{id}/submissions/{sid}/claim", ClaimAsync)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("Claim a reward with a BOLT11 invoice for exactly reward_sat − fee_sat; authorized by the deposit's macaroon.");
        api.MapGet("/bounty/{id}/submissions", ListSubmissionsAsync)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("Every submission with its diff and public output. Sponsor only: Authorization: Bearer <sponsor macaroon>.");
        api.MapGet("/bounty/{id}/leaderboard", Leaderboard)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("Accepted submissions, best held-out score first, with the baseline's score.");
        api.MapPost("/bounty/{id}/cancel", CancelAsync)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("Close the bounty and refund what is left to an invoice for exactly remaining_sat. Sponsor only.");
        api.MapGet("/bounty/{id}/heldout", HeldOutAsync)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("The held-out archive, revealed once the bounty is closed (its SHA-256 was published at creation).");
        return app;
    }

    private static IEnumerable<(string Key, string Value)> Scope(HttpContext http) =>
        [(SponsorCredential.ScopeKey, http.GetRouteValue("id") as string ?? "")];

    private static async Task<Results<JsonHttpResult<BountyCreated>, ProblemHttpResult>> CreateAsync(
        HttpContext http, BountyPublisher publisher, BountyBaselineCheck baselineCheck, BountyRules rules, L402Gate gate, TimeProvider time, CancellationToken cancellationToken)
    {
        var limit = (2L * (((long)rules.MaxArchiveBytes + 2) / 3 * 4)) + (256 << 10);
        var (request, problem) = await JsonBody.ReadAsync<CreateBountyRequest>(http.Request, limit, cancellationToken);
        if (problem is not null) return problem;
        var checkedBounty = BountyTermsReader.Check(request!, rules, time.GetUtcNow(), Path.GetTempPath());
        if (checkedBounty.Problem is { } bad) return JsonBody.Bad(bad);
        // No funding invoice for a bounty whose eval cannot score its own baseline: every submission would fail.
        BaselineCheckResult baseline;
        try
        {
            baseline = await baselineCheck.CheckAsync(checkedBounty.Terms!, checkedBounty.Baseline!, checkedBounty.HeldOut!, cancellationToken);
        }
        catch (SandboxUnavailableException ex)
        {
            return TypedResults.Problem($"This coordinator cannot evaluate bounties right now: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        if (baseline.Busy)
        {
            // Anyone may post before paying, so the checks are rationed per request: a client's answer (429), not a server fault.
            http.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem($"{BountyBaselineCheck.MaxConcurrentChecks} other bounties' evals are being checked; post again in a moment.", statusCode: StatusCodes.Status429TooManyRequests);
        }
        if (baseline.Problem is { } failed)
            return TypedResults.Problem($"eval_command: {failed}", title: "The bounty's eval does not run on its baseline", statusCode: StatusCodes.Status422UnprocessableEntity);

        PostedBounty posted;
        try
        {
            posted = await publisher.PublishAsync(checkedBounty.Terms!, checkedBounty.Baseline!, checkedBounty.HeldOut!, cancellationToken);
        }
        catch (LightningException ex)
        {
            return TypedResults.Problem($"No funding invoice could be issued: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var macaroon = SponsorCredential.Mint(gate, posted.Id, PaymentHash.FromHex(posted.FundingPaymentHash), checkedBounty.Terms!.Deadline.AddYears(1));
        http.Response.Headers.Location = $"/bounty/{posted.Id}";
        return TypedResults.Json(new BountyCreated(posted.Id, ProtocolJson.Name(BountyStatus.AwaitingFunding), posted.FundingInvoice, posted.FundingPaymentHash, macaroon, posted.HeldOutSha256)
            { Warnings = baseline.Warnings },
            HttpJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Results<JsonHttpResult<BountyList>, ProblemHttpResult>> ListAsync(string? status, IGrainFactory grains)
    {
        BountyStatus? wanted = status switch
        {
            null or "" => null,
            "awaiting_funding" => BountyStatus.AwaitingFunding,
            "active" => BountyStatus.Active,
            "closed" => BountyStatus.Closed,
            _ => (BountyStatus)(-1),
        };
        if (wanted == (BountyStatus)(-1)) return JsonBody.Bad("status must be awaiting_funding, active or closed.");
        var ids = await grains.GetGrain<IBountyIndexGrain>(BountyIndexGrain.AllKey).ListAsync();
        var summaries = new List<BountySummary>();
        foreach (var id in ids)
        {
            var state = await grains.GetGrain<IBountyGrain>(id).GetAsync();
            if (state.Posted is not null && (wanted is null || state.Status == wanted)) summaries.Add(BountyViews.Summary(id, state));
        }
        return TypedResults.Json(new BountyList(summaries), HttpJson.Options);
    }

    private static async Task<JsonHttpResult<BountyDetail>> GetAsync(
        string id, HttpContext http, IGrainFactory grains, IBlobStore blobs, ILightningNode node, CancellationToken cancellationToken)
    {
        await TrainingApi.RecordFeeAsync(http, grains, node, InvoicePurpose.BountyAccess, cancellationToken);
        var state = http.Bounty();
        _ = ContentHash.TryParse(state.BestBlob, out var hash);
        using var archive = new MemoryStream();
        await using (var stream = await blobs.OpenReadAsync(hash, cancellationToken)) await stream.CopyToAsync(archive, cancellationToken);
        return TypedResults.Json(BountyViews.Detail(id, state, archive.ToArray()), HttpJson.Options);
    }

    private static async Task<Results<JsonHttpResult<CommitAccepted>, ProblemHttpResult>> CommitAsync(
        string id, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<CommitRequest>(http.Request, 4096, cancellationToken);
        if (problem is not null) return problem;
        var commitment = request!.Commitment?.Trim().ToLowerInvariant();
        if (!L402Train.Bounties.Commitments.DiffCommitment.IsSha256Hex(commitment))
            return JsonBody.Bad("commitment must be 64 hex characters: sha256(diff_utf8 ‖ nonce_utf8).");
        if (AgentProblem(request.Agent) is { } badAgent) return JsonBody.Bad(badAgent);
        var result = await grains.GetGrain<IBountyGrain>(id).CommitAsync(commitment!, request.Agent ?? "anonymous");
        if (result.Closed) return TypedResults.Problem("The bounty is closed.", statusCode: StatusCodes.Status409Conflict);
        var record = result.Record!;
        return TypedResults.Json(new CommitAccepted(record.Commitment, record.Sequence, record.CommittedAt), HttpJson.Options,
            statusCode: result.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static string? AgentProblem(string? agent) =>
        agent is null ? null
        : agent.Length is 0 or > 64 || agent.Any(char.IsControl) ? "agent must be 1 to 64 printable characters." : null;


}
