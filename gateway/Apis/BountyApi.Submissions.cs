using L402Train.Gateway.Bounties;
using L402Train.Gateway.Training;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.L402.Gate;
using L402Train.L402.Tokens;
using L402Train.Lightning;
using L402Train.Protocol;
using L402Train.Protocol.Bounties;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace L402Train.Gateway.Apis;

/// <summary>Submissions: submit behind a deposit, poll the verdict, claim the reward.</summary>
public static partial class BountyApi
{
    /// <summary>How long <c>POST /bounty/{id}/submit</c> waits for the verdict before it answers 202.</summary>
    public static readonly TimeSpan SubmitWait = TimeSpan.FromSeconds(30);

    private static async Task<Results<JsonHttpResult<BountySubmissionAccepted>, ProblemHttpResult>> SubmitAsync(
        string id, HttpContext http, IGrainFactory grains, IBlobStore blobs, BountyRules rules, TimeProvider time, CancellationToken cancellationToken)
    {
        var token = http.GetL402Token() ?? throw new InvalidOperationException("The L402 gate let an unpaid request through.");
        var sid = token.PaymentHash.ToHex();
        var grain = grains.GetGrain<IBountySubmissionGrain>(sid);
        var (request, problem) = await JsonBody.ReadAsync<SubmitRequest>(http.Request, rules.MaxSubmitBodyBytes, cancellationToken);
        problem ??= request switch
        {
            { Diff: null or { Length: 0 } } => JsonBody.Bad("diff is required: a unified diff against the current version."),
            { BaseVersion: < 0 } => JsonBody.Bad("base_version must be a version number ≥ 0 (or absent: the current version)."),
            { Nonce.Length: > 256 } => JsonBody.Bad("nonce must be at most 256 characters."),
            { ClaimedScore: { } claimed } when !double.IsFinite(claimed) => JsonBody.Bad("claimed_score must be a finite number."),
            _ => AgentProblem(request?.Agent) is { } badAgent ? JsonBody.Bad(badAgent) : null,
        };
        var agent = request?.Agent ?? "anonymous";
        if (problem is not null)
        {
            // The deposit is locked and its token spent: refund it, and say why.
            await grain.RefuseAsync(new NewBountySubmission(id, agent, request?.BaseVersion ?? -1, null, null, 0, null, null, token.PaymentHash, token.TokenId.ToHex(), new Sats(rules.DepositSat)),
                $"refused: {problem.ProblemDetails.Detail}");
            return problem;
        }

        // Seed clients send only {diff, claimed_score}: their diff is against the version they downloaded, the current one as it arrives.
        var baseVersion = request!.BaseVersion ?? (await grains.GetGrain<IBountyGrain>(id).GetAsync()).Version;
        var arrival = await SubmissionIntake.PrepareAsync(blobs,
            new SubmissionRequest(id, agent, baseVersion, request.Diff!, request.ClaimedScore, request.Nonce), token.PaymentHash, token.TokenId.ToHex(), new Sats(rules.DepositSat), cancellationToken);
        var state = await grain.CreateAsync(arrival);
        if (state.Verdict?.Reason == BountyVerdictReason.Closed)
            return TypedResults.Problem("The bounty closed before the submission arrived; the deposit is refunded.", statusCode: StatusCodes.Status409Conflict);
        if (state.Verdict?.Reason == BountyVerdictReason.Refused)
            return TypedResults.Problem($"The deposit was refunded before this submission was filed ({state.Verdict?.Detail}). Pay a new deposit and submit again.",
                statusCode: StatusCodes.Status409Conflict);
        var location = $"/bounty/{id}/submissions/{sid}";
        http.Response.Headers.Location = location;
        // The wait re-reads the submission grain (never holding its turn) on the injected clock; Prefer: respond-async skips it.
        if (!RespondAsync(http.Request))
            state = await SubmissionEndpoints.WaitForVerdictAsync(state, grain.GetAsync, s => s.Verdict is not null, SubmitWait.TotalSeconds, time, cancellationToken);
        if (state.Verdict is not { } verdict)
            return TypedResults.Json(new BountySubmissionAccepted(sid, id, "validating", location) { BaseVersion = baseVersion }, HttpJson.Options, statusCode: StatusCodes.Status202Accepted);
        var accepted = verdict.Reason == BountyVerdictReason.Accepted;
        return TypedResults.Json(new BountySubmissionAccepted(sid, id, accepted ? "accepted" : "rejected", location)
            {
                BaseVersion = baseVersion, Accepted = accepted, RewardSats = state.RewardSat.Value, FeeSats = state.FeeSat.Value, Reason = verdict.Code,
            }, HttpJson.Options);
    }

    private static bool RespondAsync(HttpRequest request) =>
        request.Headers["Prefer"].Any(v => v is not null && v.Split(',').Any(p => p.Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase)));

    private static async Task<Results<JsonHttpResult<BountySubmissionView>, ProblemHttpResult>> GetSubmissionAsync(
        string id, string sid, double? wait, HttpContext http, IGrainFactory grains, IBlobStore blobs, L402Gate gate, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!SubmissionEndpoints.IsHash(sid)) return JsonBody.Bad("A submission id is 64 hex characters.");
        if (SubmissionEndpoints.CheckWait(wait) is { } badWait) return badWait;
        var grain = grains.GetGrain<IBountySubmissionGrain>(sid.ToLowerInvariant());
        var state = await grain.GetAsync();
        if (state.Received?.BountyId != id) return TypedResults.Problem($"No submission {sid} for bounty {id}.", statusCode: StatusCodes.Status404NotFound);
        state = await SubmissionEndpoints.WaitForVerdictAsync(state, grain.GetAsync, s => s.Verdict is not null, wait, time, cancellationToken);
        // Agents (the submitter included) get coarse held-out figures; the sponsor's credential shows everything.
        var bounty = await grains.GetGrain<IBountyGrain>(id).GetAsync();
        var view = http.Request.Headers.Authorization.Count > 0 && SponsorCredential.Check(http.Request, gate, id, bounty.Posted!.FundingPaymentHash) is null
            ? await BountySubmissionViews.ForSponsorAsync(sid.ToLowerInvariant(), state, blob => ReadTextAsync(blobs, blob, cancellationToken))
            : BountySubmissionViews.ForAgents(sid.ToLowerInvariant(), state, bounty);
        return TypedResults.Json(view, HttpJson.Options);
    }

    private static async Task<Results<JsonHttpResult<ClaimAccepted>, ProblemHttpResult>> ClaimAsync(
        string id, string sid, HttpContext http, IGrainFactory grains, ILightningNode node, RootKeyRing keys, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!SubmissionEndpoints.IsHash(sid)) return JsonBody.Bad("A submission id is 64 hex characters.");
        sid = sid.ToLowerInvariant();
        var grain = grains.GetGrain<IBountySubmissionGrain>(sid);
        var state = await grain.GetAsync();
        if (state.Received?.BountyId != id) return TypedResults.Problem($"No submission {sid} for bounty {id}.", statusCode: StatusCodes.Status404NotFound);
        if (DepositOwnership.Check(http.Request, keys, sid) is { } denied)
            return TypedResults.Problem($"Claiming needs the deposit's macaroon: {denied}.", statusCode: StatusCodes.Status401Unauthorized);

        var invoice = await ClaimInvoice.ReadAsync(http.Request, node, time, cancellationToken);
        if (invoice.Problem is { } bad) return bad;
        var details = invoice.Details!;
        // The first claim is the payout less the holdback; once the holdback is released, a second claim takes it.
        var claimable = state.ClaimableSat;
        var outcome = await grain.ClaimAsync(details.Hash, invoice.Bolt11!, details.Amount!.Value.ToSatsFloor(), SubmissionEndpoints.MaxFeeSat(claimable));
        var what = state.Reward is RewardStatus.Owed or RewardStatus.Paying
            ? $"reward_sats − fee_sats − holdback_sats = {claimable.Value} sat" : $"the released holdback_sats = {claimable.Value} sat";
        if (SubmissionEndpoints.ClaimProblem(outcome, what) is { } refused) return refused;
        var after = await grain.GetAsync();
        var paid = details.Hash == after.HoldbackPaymentHash ? after.Holdback == HoldbackStatus.Paid : after.Reward == RewardStatus.Paid;
        return TypedResults.Json(new ClaimAccepted(sid, details.Hash.ToHex(), details.Amount!.Value.ToSatsFloor().Value, paid ? "paid" : "paying"),
            HttpJson.Options, statusCode: StatusCodes.Status202Accepted);
    }
}
