using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Lightning;

namespace L402Train.Grains.Bounties.Validation;

/// <summary>
/// <c>bounty.funding</c> (settler role): looks the funding invoice up; when it settled, records it
/// in the ledger as incoming and activates the bounty; when it expired, closes the bounty; else
/// the bounty schedules the next check. Idempotent: the invoice record and ledger post are keyed by hash.
/// </summary>
internal sealed class WatchFundingHandler(ILightningNode node) : IJobHandler
{
    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var id = job.Payload<BountyJob>().BountyId;
        var grain = job.Grains.GetGrain<IBountyGrain>(id);
        var bounty = await grain.GetAsync();
        if (bounty.Posted is not { } posted || bounty.Status != BountyStatus.AwaitingFunding) return;
        var invoice = await node.LookupInvoiceAsync(posted.FundingPaymentHash, cancellationToken)
            ?? throw new InvalidOperationException($"The node does not know the funding invoice of bounty {id}.");
        var observation = invoice.State switch
        {
            InvoiceState.Settled => FundingObservation.Settled,
            InvoiceState.Canceled => FundingObservation.Expired,
            _ when invoice.ExpiresAt <= job.Time.GetUtcNow() => FundingObservation.Expired,
            _ => FundingObservation.Unpaid,
        };
        if (observation != FundingObservation.Unpaid)
        {
            var tracked = job.Grains.GetGrain<IInvoiceGrain>(posted.FundingPaymentHash.ToHex());
            await tracked.TrackAsync(InvoiceDirection.Incoming, InvoicePurpose.BountyFunding, posted.Terms.TotalSat, MoneyState.Open, $"{BountyGrain.OwnerKind}/{id}");
            if (observation == FundingObservation.Settled) await tracked.RecordAsync(MoneyState.Settled, invoice.AmountPaid.ToSatsFloor());
            else await tracked.RecordAsync(MoneyState.Canceled, Sats.Zero);
        }
        await grain.FundingCheckedAsync(observation);
    }
}

/// <summary><c>bounty.close</c> (settler role): closes a bounty at its deadline (idempotent).</summary>
internal sealed class CloseBountyHandler : IJobHandler
{
    /// <inheritdoc/>
    public Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Grains.GetGrain<IBountyGrain>(job.Payload<BountyJob>().BountyId).CloseAsync(BountyCloseReason.Deadline);
    }
}

/// <summary><c>bounty.baseline</c> (validator role): scores the baseline once the bounty is funded, for the leaderboard.</summary>
internal sealed class ScoreBaselineHandler(BountyEvaluation evaluation) : IJobHandler
{
    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var grain = job.Grains.GetGrain<IBountyGrain>(job.Payload<BountyJob>().BountyId);
        var bounty = await grain.GetAsync();
        if (bounty.Posted is null || bounty.Status != BountyStatus.Active) return;
        await evaluation.EnsureBestScoredAsync(grain, bounty, cancellationToken);
    }
}
