using L402Train.Runtime;
using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>
/// Forfeits a deposit: settles its hold invoice with the derived preimage. Idempotent: it looks
/// the invoice up first, so a re-run after a crash records what already happened instead of
/// acting twice; an invoice the node already cancelled (HTLC expiry) is recorded as refunded
/// and never settled.
/// </summary>
internal sealed class SettleDepositHandler(ILightningNode node, IDepositPreimages preimages, PaymentOwners owners) : IJobHandler
{
    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        var deposit = job.Payload<DepositJob>();
        var hash = deposit.PaymentHash;
        var tracked = job.Grains.GetGrain<IInvoiceGrain>(hash.ToHex());
        await tracked.TrackAsync(InvoiceDirection.Incoming, deposit.Purpose, deposit.AmountSat, MoneyState.Held, deposit.Owner);
        var invoice = await node.LookupInvoiceAsync(hash, cancellationToken)
            ?? throw new InvalidOperationException($"The node does not know deposit invoice {deposit.PaymentHash}.");

        DepositResolution resolution;
        switch (invoice.State)
        {
            case InvoiceState.Settled:
                await tracked.RecordAsync(MoneyState.Settled, invoice.AmountPaid.ToSatsFloor());
                resolution = DepositResolution.Forfeited;
                break;
            case InvoiceState.Canceled:
                await tracked.RecordAsync(MoneyState.Canceled, Sats.Zero);
                resolution = DepositResolution.ExpiredBeforeSettle;
                break;
            case InvoiceState.Accepted:
                var preimage = preimages.ForToken(deposit.TokenIdHex)
                    ?? throw new InvalidOperationException($"No key can derive the preimage of deposit {deposit.PaymentHash} (token {deposit.TokenIdHex}).");
                await node.SettleInvoiceAsync(preimage, cancellationToken);
                await tracked.RecordAsync(MoneyState.Settled, invoice.AmountPaid.ToSatsFloor());
                resolution = DepositResolution.Forfeited;
                break;
            default:
                // Never paid: nothing to keep; close it so it cannot be paid later.
                await node.CancelInvoiceAsync(hash, cancellationToken);
                await tracked.RecordAsync(MoneyState.Canceled, Sats.Zero);
                resolution = DepositResolution.ExpiredBeforeSettle;
                break;
        }
        MoneyMetrics.JobAnswered("settle", job.Time.GetUtcNow() - job.Job.RunAt);
        await owners.Deposit(job.Grains, deposit.OwnerKind, deposit.OwnerKey).DepositResolvedAsync(deposit.PaymentHash, resolution);
    }
}
