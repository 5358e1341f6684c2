using L402Train.Runtime;
using L402Train.Lightning;
using Microsoft.Extensions.Logging;

namespace L402Train.Grains.Payments;

/// <summary>
/// Refunds a deposit: cancels its hold invoice so the HTLC fails back to the payer. Cancelling is
/// idempotent on the node; a re-run records the state the node reports.
/// </summary>
internal sealed class CancelDepositHandler(ILightningNode node, PaymentOwners owners, ILogger<CancelDepositHandler> logger) : IJobHandler
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

        var resolution = DepositResolution.Refunded;
        if (invoice.State == InvoiceState.Settled)
        {
            // Only the settle job settles, and a submission decides once; reaching here means an operator acted by hand.
            logger.LogError("Deposit {PaymentHash} was to be refunded but the node shows it settled; recording it as forfeited.", deposit.PaymentHash);
            await tracked.RecordAsync(MoneyState.Settled, invoice.AmountPaid.ToSatsFloor());
            resolution = DepositResolution.Forfeited;
        }
        else
        {
            if (invoice.State != InvoiceState.Canceled) await node.CancelInvoiceAsync(hash, cancellationToken);
            await tracked.RecordAsync(MoneyState.Canceled, Sats.Zero);
        }
        MoneyMetrics.JobAnswered("cancel", job.Time.GetUtcNow() - job.Job.RunAt);
        await owners.Deposit(job.Grains, deposit.OwnerKind, deposit.OwnerKey).DepositResolvedAsync(deposit.PaymentHash, resolution);
    }
}
