using L402Train.Lightning;
using L402Train.Grains.Payments;

namespace L402Train.Grains.Bounties.Catalog;

/// <summary>The sponsor's side of a bounty: cancel, and the refund paid through the shared reward job.</summary>
internal sealed partial class BountyGrain
{
    /// <inheritdoc/>
    public async Task<CancelResult> CancelAsync(RefundRequest? refund)
    {
        if (State.Posted is null) throw new InvalidOperationException($"Bounty {GetPrimaryKeyString()} does not exist.");
        if (State.Status == BountyStatus.AwaitingFunding) return new CancelResult(CancelOutcome.NotFunded, Sats.Zero, null);
        if (State.Refund is { } earlier)
        {
            if (earlier.Status == RefundStatus.Nothing) return new CancelResult(CancelOutcome.NothingToRefund, Sats.Zero, null);
            if (refund?.PaymentHash == earlier.PaymentHash) return new CancelResult(CancelOutcome.AlreadyQueued, earlier.AmountSat, earlier.PaymentHash);
            if (earlier.Status != RefundStatus.Failed) return new CancelResult(CancelOutcome.AlreadyRefunded, earlier.AmountSat, earlier.PaymentHash);
            // A failed refund: the amount is already set aside; pay it to the new invoice.
            return await QueueRefundAsync(refund, earlier.AmountSat, State.Pool);
        }

        var remaining = State.Pool.RemainingSat;
        var closed = State.Status == BountyStatus.Closed ? State : Closed(State, BountyCloseReason.Cancelled, TimeProvider.GetUtcNow());
        if (remaining == Sats.Zero)
        {
            bounty.State = closed with { Refund = new SponsorRefund(null, Sats.Zero, RefundStatus.Nothing) };
            await bounty.WriteStateAsync();
            return new CancelResult(CancelOutcome.NothingToRefund, Sats.Zero, null);
        }
        if (refund is null) return new CancelResult(CancelOutcome.InvoiceRequired, remaining, null);
        if (refund.AmountSat != remaining) return new CancelResult(CancelOutcome.WrongAmount, remaining, null);
        bounty.State = closed;
        return await QueueRefundAsync(refund, remaining, State.Pool.RefundRemaining());
    }

    private async Task<CancelResult> QueueRefundAsync(RefundRequest? refund, Sats amount, BountyPool pool)
    {
        if (refund is null) return new CancelResult(CancelOutcome.InvoiceRequired, amount, null);
        if (refund.AmountSat != amount) return new CancelResult(CancelOutcome.WrongAmount, amount, null);
        var id = GetPrimaryKeyString();
        EnqueueJob(new RewardJob(refund.PaymentHash, refund.Bolt11, amount, refund.MaxFeeSat, InvoicePurpose.BountyRefund, OwnerKind, id).ToRequest());
        bounty.State = State with { Pool = pool, Refund = new SponsorRefund(refund.PaymentHash, amount, RefundStatus.Paying) };
        await bounty.WriteStateAsync();
        return new CancelResult(CancelOutcome.Queued, amount, refund.PaymentHash);
    }

    /// <inheritdoc/>
    public async Task RewardPaidAsync(PaymentHash paymentHash, Sats amountSat, Sats feeSat)
    {
        if (State.Refund is not { } refund || refund.PaymentHash != paymentHash || refund.Status == RefundStatus.Paid) return;
        bounty.State = State with { Refund = refund with { Status = RefundStatus.Paid, Failure = null } };
        await bounty.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task RewardFailedAsync(PaymentHash paymentHash, string reason)
    {
        if (State.Refund is not { Status: RefundStatus.Paying } refund || refund.PaymentHash != paymentHash) return;
        bounty.State = State with { Refund = refund with { Status = RefundStatus.Failed, Failure = reason } };
        await bounty.WriteStateAsync();
    }

    /// <summary>A bounty owns no deposit (its funding is a plain invoice); a deposit job naming one is a bug.</summary>
    public Task DepositResolvedAsync(PaymentHash paymentHash, DepositResolution resolution) =>
        throw new InvalidOperationException($"Bounty {GetPrimaryKeyString()} owns no deposit, but a deposit job for {paymentHash} named it.");
}
