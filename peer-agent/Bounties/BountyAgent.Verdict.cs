using L402Train.Lightning;

namespace L402Train.PeerAgent.Bounties;

public sealed partial class BountyAgent
{
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits for the verdict of a filed submission, claims its reward, waits for the deposit to resolve, and logs both.</summary>
    public async Task<BountySubmissionOutcome> FollowAsync(string bountyId, FiledSubmission filed, string diff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filed);
        var id = filed.Submitted.SubmissionId;
        var deadline = Now + options.VerdictTimeout;
        var state = await client.SubmissionAsync(bountyId, id, TimeSpan.Zero, cancellationToken);
        while (!state.IsDecided)
        {
            if (Now > deadline) throw new TimeoutException($"No verdict for {id} after {options.VerdictTimeout}.");
            state = await client.SubmissionAsync(bountyId, id, LongPoll, cancellationToken);
        }
        var heldOut = state.HeldoutScore is { } h ? $", held-out {h:0.####}" : "";
        progress?.Report($"{options.Agent}: {id[..12]}… {state.Status} ({state.Reason}){heldOut}, reward {state.ClaimableSats} sat");

        long received = 0;
        if (state.ClaimableSats > 0) received = await ClaimAsync(bountyId, filed, state, diff, cancellationToken);
        while (state.Deposit == "held" && Now <= deadline)
        {
            await Task.Delay(Poll, time, cancellationToken);
            state = await client.SubmissionAsync(bountyId, id, TimeSpan.Zero, cancellationToken);
        }
        var preimage = await ForfeitProofAsync(filed, state.Deposit, cancellationToken);
        await AppendAsync(new ProvenanceEntry(Now, "verdict", bountyId, options.Agent, id, Commitment.DiffSha256(diff), null, filed.DepositPaymentHash, preimage,
            state.Deposit == "forfeited" ? filed.DepositSats : 0, state.NewVersion, state.PublicScore, state.HeldoutScore, state.Status, state.Reason, state.Deposit), cancellationToken);
        return new BountySubmissionOutcome(id, state.Status, state.Reason, state.PublicScore, state.HeldoutScore, received, state.FeeSats, state.Deposit,
            filed.DepositSats, state.CreditedTo, state.NewVersion);
    }

    private async Task<long> ClaimAsync(string bountyId, FiledSubmission filed, BountySubmissionView state, string diff, CancellationToken cancellationToken)
    {
        var id = filed.Submitted.SubmissionId;
        var invoice = await wallet.CreateInvoiceAsync(
            new CreateInvoiceRequest(new Sats(state.ClaimableSats).ToMilliSats(), $"bounty {bountyId} reward {id[..12]}", TimeSpan.FromHours(1)), cancellationToken);
        await client.ClaimAsync(bountyId, id, invoice.PaymentRequest, filed.DepositCredential, cancellationToken);
        var deadline = Now + options.VerdictTimeout;
        while (state.Reward != "paid")
        {
            if (Now > deadline) throw new TimeoutException($"The reward of {id} was not paid within {options.VerdictTimeout}.");
            await Task.Delay(Poll, time, cancellationToken);
            state = await client.SubmissionAsync(bountyId, id, TimeSpan.Zero, cancellationToken);
        }
        // The invoice is ours, so its preimage is the receipt that the coordinator paid it.
        await AppendAsync(new ProvenanceEntry(Now, "claim", bountyId, options.Agent, id, Commitment.DiffSha256(diff), null, invoice.Hash.ToHex(),
            invoice.Preimage?.ToHex(), state.ClaimableSats, state.NewVersion, state.PublicScore, state.HeldoutScore, state.Status, state.Reason, state.Deposit), cancellationToken);
        progress?.Report($"{options.Agent}: reward of {state.ClaimableSats} sat received for {id[..12]}…");
        return state.ClaimableSats;
    }

    // A forfeited deposit's preimage is the coordinator's proof that it took the deposit; the wallet learns it when the HTLC settles.
    private async Task<string?> ForfeitProofAsync(FiledSubmission filed, string deposit, CancellationToken cancellationToken)
    {
        if (deposit != "forfeited" || filed.Deposit is not { } pending) return null;
        try
        {
            var payment = await pending.Completion.WaitAsync(TimeSpan.FromSeconds(30), time, cancellationToken);
            return payment.Preimage?.ToHex();
        }
        catch (TimeoutException)
        {
            // The coordinator says forfeited but the wallet has not seen the HTLC settle yet: log the line without the proof.
            progress?.Report($"{options.Agent}: the wallet has not seen the forfeited deposit {filed.DepositPaymentHash[..12]}… settle yet");
            return null;
        }
    }
}
