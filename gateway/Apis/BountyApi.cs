using L402Train.Gateway.Bounties;
using L402Train.Gateway.L402;
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
            .WithRequestBody<CreateBountyRequest>("application/json")
            .Produces<BountyCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Post a bounty: terms, baseline and held-out archives, pool. Returns its id, a funding invoice and the sponsor macaroon.");
        api.MapGet("/bounties", ListAsync)
            .Produces<List<BountySummary>>().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Every bounty as a JSON array, optionally filtered by ?status=awaiting_funding|active|closed.");
        api.MapGet("/bounty/{id}", GetAsync)
            .Produces<BountyDetail>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequireBounty(BountyRequirement.Funded)
            .RequireL402(new Sats(rules.AccessPriceSat), ReadCapability, scope: Scope)
            .WithSummary("A bounty's current best tree (base64 tar.gz with the public set), eval command and rules. Standard L402.");
        api.MapPost("/bounty/{id}/commit", CommitAsync)
            .WithRequestBody<CommitRequest>("application/json").Produces<CommitAccepted>().Produces<CommitAccepted>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("Register sha256(diff ‖ nonce) before revealing the diff; identical diffs are credited to the earliest commitment.");
        api.MapPost("/bounty/{id}/submit", SubmitAsync)
            .WithRequestBody<SubmitRequest>("application/json").Produces<BountySubmissionAccepted>().Produces<BountySubmissionAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequireBounty(BountyRequirement.Active)
            .RequireL402(new Sats(rules.DepositSat), SubmitCapability, L402Mode.Hold, Scope)
            .WithSummary("Submit {diff, claimed_score} behind a hold-invoice deposit; validated in the sandbox. Waits up to 30 s for the verdict (200), else 202 with Location; Prefer: respond-async answers 202 at once.");
        api.MapGet("/bounty/{id}/submissions/{sid}", GetSubmissionAsync)
            .Produces<BountySubmissionView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("A submission's verdict; ?wait=seconds long-polls until it is decided.");
        api.MapPost("/bounty/{id}/submissions/{sid}/claim", ClaimAsync)
            .WithRequestBody<ClaimRequest>("application/json").Produces<ClaimAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("Claim a reward with a BOLT11 invoice for exactly reward_sats − fee_sats − holdback_sats, then the released holdback_sats; authorized by the deposit's macaroon.");
        api.MapGet("/bounty/{id}/submissions", ListSubmissionsAsync)
            .Produces<SponsorSubmissionList>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("Every submission with its diff and public output. Sponsor only: Authorization: Bearer <sponsor macaroon>.");
        api.MapGet("/bounty/{id}/leaderboard", Leaderboard)
            .Produces<LeaderboardView>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("Accepted submissions, best held-out score first, with the baseline's score.");
        api.MapPost("/bounty/{id}/cancel", CancelAsync)
            .WithRequestBody<ClaimRequest>("application/json").Produces<BountyCancelled>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("Close the bounty and refund what is left to an invoice for exactly remaining_sats. Sponsor only.");
        api.MapGet("/bounty/{id}/heldout", HeldOutAsync)
            .Produces<byte[]>(StatusCodes.Status200OK, "application/gzip").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequireBounty(BountyRequirement.Exists)
            .WithSummary("The held-out archive, revealed once the bounty is closed (its SHA-256 was published at creation).");
        return app;
    }

    private static IEnumerable<(string Key, string Value)> Scope(HttpContext http) =>
        [(SponsorCredential.ScopeKey, http.GetRouteValue("id") as string ?? "")];

    private static async Task<Results<JsonHttpResult<BountyCreated>, ProblemHttpResult>> CreateAsync(
        HttpContext http, BountyPublisher publisher, BountyBaselineCheck baselineCheck, BountyRules rules, L402Gate gate, TimeProvider time, CancellationToken cancellationToken)
    {
        var limit = (3L * (((long)rules.MaxArchiveBytes + 2) / 3 * 4)) + (256 << 10); // baseline, held-out and holdback archives
        var (request, problem) = await JsonBody.ReadAsync<CreateBountyRequest>(http.Request, limit, cancellationToken);
        if (problem is not null) return problem;
        var checkedBounty = BountyTermsReader.Check(request!, rules, time.GetUtcNow(), Path.GetTempPath());
        if (checkedBounty.Problem is { } bad) return JsonBody.Bad(bad);
        if (HeldOutHashProblem(request!.HeldOutHash, checkedBounty.HeldOut!) is { } mismatch) return mismatch;
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
            posted = await publisher.PublishAsync(checkedBounty.Terms!, checkedBounty.Baseline!, checkedBounty.HeldOut!, checkedBounty.Holdback, cancellationToken);
        }
        catch (LightningException ex)
        {
            return TypedResults.Problem($"No funding invoice could be issued: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var macaroon = SponsorCredential.Mint(gate, posted.Id, posted.FundingPaymentHash, checkedBounty.Terms!.Deadline.AddYears(1));
        http.Response.Headers.Location = $"/bounty/{posted.Id}";
        return TypedResults.Json(new BountyCreated(posted.Id, ProtocolJson.Name(BountyStatus.AwaitingFunding), posted.FundingInvoice, posted.FundingPaymentHash.ToHex(), macaroon, posted.HeldOutSha256)
            { Warnings = baseline.Warnings },
            HttpJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Results<JsonHttpResult<List<BountySummary>>, ProblemHttpResult>> ListAsync(string? status, IGrainFactory grains, BountyRules rules, TimeProvider time)
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
            if (state.Posted is not null && (wanted is null || state.Status == wanted)) summaries.Add(BountyViews.Summary(id, state, LeaderThreshold.At(state, rules, time.GetUtcNow())));
        }
        return TypedResults.Json(summaries, HttpJson.Options);
    }

    private static async Task<JsonHttpResult<BountyDetail>> GetAsync(
        string id, HttpContext http, IGrainFactory grains, IBlobStore blobs, ILightningNode node, BountyRules rules, TimeProvider time, CancellationToken cancellationToken)
    {
        await PaidFees.RecordAsync(http, grains, node, InvoicePurpose.BountyAccess, cancellationToken);
        var state = http.Bounty();
        _ = ContentHash.TryParse(state.BestBlob, out var hash);
        using var archive = new MemoryStream();
        await using (var stream = await blobs.OpenReadAsync(hash, cancellationToken)) await stream.CopyToAsync(archive, cancellationToken);
        return TypedResults.Json(BountyViews.Detail(id, state, archive.ToArray(), LeaderThreshold.At(state, rules, time.GetUtcNow())), HttpJson.Options);
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

    // The sponsor published the held-out set's hash before posting: the tarball must be that set, or agents were shown a false commitment.
    private static ProblemHttpResult? HeldOutHashProblem(string? published, byte[] heldOut)
    {
        if (published is null) return null;
        if (published.Length != 64 || !published.All(Uri.IsHexDigit))
            return JsonBody.Bad("held_out_hash must be the SHA-256 of held_out_tarball: 64 hex characters.");
        var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(heldOut));
        return string.Equals(actual, published, StringComparison.OrdinalIgnoreCase) ? null
            : TypedResults.Problem($"held_out_hash: held_out_tarball hashes to {actual}, not {published.ToLowerInvariant()}; send the tarball whose hash was published.",
                title: "held_out_tarball does not match held_out_hash", statusCode: StatusCodes.Status422UnprocessableEntity);
    }

    private static string? AgentProblem(string? agent) =>
        agent is null ? null
        : agent.Length is 0 or > 64 || agent.Any(char.IsControl) ? "agent must be 1 to 64 printable characters." : null;


}
