using System.Net;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Training;

namespace L402Train.PeerAgent.Claims;

/// <summary>What finishing one pending claim came to.</summary>
/// <param name="Claim">The claim.</param>
/// <param name="State">
/// not_filed, validating, claimed (reward paid), nothing_owed or paying; for a reward with a temporal holdback, once its first
/// part is paid: holdback_held (not released yet: the claim is kept for a later run), holdback_claimed (received now),
/// holdback_paying, holdback_paid (already paid earlier) or holdback_forfeited.
/// </param>
/// <param name="Verdict">The verdict's reason, once decided.</param>
/// <param name="RewardSats">The reward received now.</param>
/// <param name="Deposit">The deposit as the coordinator (or, for an unfiled one, the wallet) reports it.</param>
/// <param name="Done">True when nothing is left to do and the claim was forgotten.</param>
public sealed record ClaimProgress(PendingClaim Claim, string State, string? Verdict, long RewardSats, string Deposit, bool Done)
{
    /// <summary>What to tell the agent besides the state (when a held holdback releases, why it was forfeited); null when nothing.</summary>
    public string? Note { get; init; }

    /// <summary>True when nothing can be done now: finished, or waiting only for a holdback's release.</summary>
    public bool NothingToDoNow => Done || State == "holdback_held";
}

/// <summary>
/// Finishes what a lost connection or a crash left: for each pending claim, reads the submission
/// (waiting for its verdict when asked), claims a reward owed with the saved credential and an
/// invoice of this wallet, waits until it is paid, logs it, and forgets the claim once nothing is
/// owed. A deposit whose submission was never filed is refunded by the coordinator after its grace
/// period; the claim is forgotten once the wallet sees the refund.
/// </summary>
public sealed class PendingClaimFinisher(
    PendingClaims claims, HttpClient coordinator, ILightningNode wallet, TimeProvider time, TimeSpan timeout,
    ProvenanceLog? log = null, IProgress<string>? progress = null, string? agent = null)
{
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Finishes the pending claims of <paramref name="kind"/> at this coordinator (or only <paramref name="submissionId"/>).</summary>
    public async Task<IReadOnlyList<ClaimProgress>> FinishAsync(string kind, bool waitForVerdict, CancellationToken cancellationToken, string? submissionId = null)
    {
        var results = new List<ClaimProgress>();
        foreach (var claim in claims.For(kind, coordinator.BaseAddress!, submissionId))
        {
            var result = kind == ClaimKinds.Bounty
                ? await FinishBountyAsync(claim, waitForVerdict, cancellationToken)
                : await FinishTrainingAsync(claim, waitForVerdict, cancellationToken);
            if (result.Done) claims.Remove(claim.SubmissionId);
            progress?.Report($"{claim.SubmissionId[..12]}…: {result.State}{(result.RewardSats > 0 ? $", {result.RewardSats} sat received" : "")}{(result.Note is null ? "" : $"; {result.Note}")}");
            results.Add(result);
        }
        return results;
    }

    private async Task<ClaimProgress> FinishBountyAsync(PendingClaim claim, bool wait, CancellationToken cancellationToken)
    {
        var client = new BountyClient(coordinator);
        var bountyId = claim.BountyId ?? throw new InvalidDataException($"The pending bounty claim {claim.SubmissionId} names no bounty.");
        BountySubmissionView state;
        try
        {
            state = await client.SubmissionAsync(bountyId, claim.SubmissionId, TimeSpan.Zero, cancellationToken);
        }
        catch (BountyApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return await NotFiledAsync(claim, cancellationToken);
        }
        var deadline = time.GetUtcNow() + timeout;
        while (!state.IsDecided && wait && time.GetUtcNow() < deadline)
            state = await client.SubmissionAsync(bountyId, claim.SubmissionId, LongPoll, cancellationToken);
        if (!state.IsDecided) return new ClaimProgress(claim, "validating", null, 0, state.Deposit, false);
        if (state.RewardSats - state.FeeSats <= 0) return new ClaimProgress(claim, "nothing_owed", state.Reason, 0, state.Deposit, true);

        // The first claim: the reward less the fee and the holdback (a holdback of the whole share leaves nothing to claim first).
        long received = 0;
        if (state.ClaimableSats > 0 && state.Reward != "paid")
        {
            Invoice? invoice = null;
            if (state.Reward != "paying")
            {
                invoice = await InvoiceAsync(state.ClaimableSats, $"bounty {bountyId} reward {claim.SubmissionId[..12]}", cancellationToken);
                await client.ClaimAsync(bountyId, claim.SubmissionId, invoice.PaymentRequest, claim.Credential, cancellationToken);
            }
            state = await PollAsync(client, bountyId, claim, s => s.Reward == "paid", deadline, cancellationToken);
            if (state.Reward != "paid") return new ClaimProgress(claim, "paying", state.Reason, 0, state.Deposit, false);
            // The deposit resolves by the coordinator's own job; waiting for it lets the wallet show the final balance.
            if (wait) state = await PollAsync(client, bountyId, claim, s => IsFinal(s.Deposit), deadline, cancellationToken);
            await LogClaimAsync(claim, invoice, state.ClaimableSats, state.Status, state.Reason, state.Deposit, state.NewVersion, cancellationToken);
            received = invoice is null ? 0 : state.ClaimableSats;
        }
        return await FinishHoldbackAsync(client, bountyId, claim, state, received, deadline, cancellationToken);
    }

    // The temporal holdback (docs/bounties.md): claimable with a second invoice once the re-evaluation released it. The
    // pending claim (the deposit credential the claim needs) is kept until the holdback is paid or forfeited.
    private async Task<ClaimProgress> FinishHoldbackAsync(BountyClient client, string bountyId, PendingClaim claim, BountySubmissionView state, long received,
        DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var held = state.HoldbackSats;
        switch (state.Holdback)
        {
            case "none":
                return new ClaimProgress(claim, "claimed", state.Reason, received, state.Deposit, true);
            case "held":
                return new ClaimProgress(claim, "holdback_held", state.Reason, received, state.Deposit, false)
                {
                    Note = $"holdback of {held} sat not released yet (releases at {state.HoldbackDueAt:yyyy-MM-dd HH:mm:ss}Z, after its re-evaluation); run `bounty claim` again then",
                };
            case "forfeited":
                return new ClaimProgress(claim, "holdback_forfeited", state.Reason, received, state.Deposit, true)
                {
                    Note = $"holdback of {held} sat forfeited: the improvement did not hold up on the fresh held-out slice; it returned to the bounty's pool",
                };
            case "paid":
                return new ClaimProgress(claim, "holdback_paid", state.Reason, received, state.Deposit, true) { Note = $"holdback of {held} sat already paid" };
        }
        Invoice? invoice = null;
        if (state.Holdback == "released")
        {
            invoice = await InvoiceAsync(held, $"bounty {bountyId} holdback {claim.SubmissionId[..12]}", cancellationToken);
            await client.ClaimAsync(bountyId, claim.SubmissionId, invoice.PaymentRequest, claim.Credential, cancellationToken);
        }
        state = await PollAsync(client, bountyId, claim, s => s.Holdback == "paid", deadline, cancellationToken);
        if (state.Holdback != "paid")
            return new ClaimProgress(claim, "holdback_paying", state.Reason, received, state.Deposit, false) { Note = $"holdback of {held} sat is being paid" };
        await LogClaimAsync(claim, invoice, held, state.Status, state.Reason, state.Deposit, state.NewVersion, cancellationToken);
        return new ClaimProgress(claim, "holdback_claimed", state.Reason, received + (invoice is null ? 0 : held), state.Deposit, true)
        {
            Note = $"holdback of {held} sat received",
        };
    }

    private async Task<BountySubmissionView> PollAsync(BountyClient client, string bountyId, PendingClaim claim, Func<BountySubmissionView, bool> done,
        DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var state = await client.SubmissionAsync(bountyId, claim.SubmissionId, TimeSpan.Zero, cancellationToken);
        while (!done(state) && time.GetUtcNow() < deadline)
        {
            await Task.Delay(Poll, time, cancellationToken);
            state = await client.SubmissionAsync(bountyId, claim.SubmissionId, TimeSpan.Zero, cancellationToken);
        }
        return state;
    }

    private async Task<ClaimProgress> FinishTrainingAsync(PendingClaim claim, bool wait, CancellationToken cancellationToken)
    {
        var client = new CoordinatorClient(coordinator);
        SubmissionView state;
        try
        {
            state = await client.SubmissionAsync(claim.SubmissionId, TimeSpan.Zero, cancellationToken);
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return await NotFiledAsync(claim, cancellationToken);
        }
        var deadline = time.GetUtcNow() + timeout;
        while (state.Verdict is null && wait && time.GetUtcNow() < deadline)
            state = await client.SubmissionAsync(claim.SubmissionId, LongPoll, cancellationToken);
        if (state.Verdict is null) return new ClaimProgress(claim, "validating", null, 0, state.Deposit, false);
        if (state.RewardSats <= 0) return new ClaimProgress(claim, "nothing_owed", state.Verdict, 0, state.Deposit, true);
        if (state.Reward == "paid") return new ClaimProgress(claim, "claimed", state.Verdict, 0, state.Deposit, true);

        Invoice? invoice = null;
        if (state.Reward != "paying")
        {
            invoice = await InvoiceAsync(state.RewardSats, $"reward {claim.SubmissionId[..12]}", cancellationToken);
            await client.ClaimAsync(claim.SubmissionId, invoice.PaymentRequest, claim.Credential, cancellationToken);
        }
        while (state.Reward != "paid" && time.GetUtcNow() < deadline)
        {
            await Task.Delay(Poll, time, cancellationToken);
            state = await client.SubmissionAsync(claim.SubmissionId, TimeSpan.Zero, cancellationToken);
        }
        if (state.Reward != "paid") return new ClaimProgress(claim, "paying", state.Verdict, 0, state.Deposit, false);
        while (wait && !IsFinal(state.Deposit) && time.GetUtcNow() < deadline)
        {
            await Task.Delay(Poll, time, cancellationToken);
            state = await client.SubmissionAsync(claim.SubmissionId, TimeSpan.Zero, cancellationToken);
        }
        await LogClaimAsync(claim, invoice, state.RewardSats, state.Status, state.Verdict, state.Deposit, null, cancellationToken);
        return new ClaimProgress(claim, "claimed", state.Verdict, invoice is null ? 0 : state.RewardSats, state.Deposit, true);
    }

    private static bool IsFinal(string deposit) => deposit is "refunded" or "forfeited";

    // Never filed (the request died before the coordinator recorded it): the coordinator refunds the deposit after its grace period.
    private async Task<ClaimProgress> NotFiledAsync(PendingClaim claim, CancellationToken cancellationToken)
    {
        var payment = await wallet.LookupPaymentAsync(PaymentHash.FromHex(claim.SubmissionId), cancellationToken);
        return payment?.Status switch
        {
            PaymentStatus.Failed => new ClaimProgress(claim, "not_filed", null, 0, "refunded", true),
            PaymentStatus.Succeeded => new ClaimProgress(claim, "not_filed", null, 0, "forfeited", true),
            _ => new ClaimProgress(claim, "not_filed", null, 0, "held", false),
        };
    }

    private async Task<Invoice> InvoiceAsync(long sats, string memo, CancellationToken cancellationToken) =>
        await wallet.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(sats).ToMilliSats(), memo, TimeSpan.FromHours(1)), cancellationToken);

    // The invoice is ours, so its preimage is the receipt that the coordinator paid it.
    private async Task LogClaimAsync(PendingClaim claim, Invoice? invoice, long sats, string status, string? reason, string deposit, int? version, CancellationToken cancellationToken)
    {
        if (log is null || invoice is null) return;
        await log.AppendAsync(new ProvenanceEntry(time.GetUtcNow(), "claim", claim.BountyId, agent, SubmissionId: claim.SubmissionId, PaymentHash: invoice.Hash.ToHex(),
            Preimage: invoice.Preimage?.ToHex(), Sats: sats, Version: version, Verdict: status, Reason: reason, Deposit: deposit), cancellationToken);
    }
}
