using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Lightning;

namespace L402Train.Grains.Training;

/// <summary>Payload of a fee check: the fee invoice's payment hash (hex) and what the fee is for.</summary>
/// <param name="PaymentHash">The invoice the 402 challenge carried.</param>
/// <param name="Purpose">The ledger group of the fee (jobs queued before it existed are checkpoint fees).</param>
public sealed record CheckpointFeeJob(string PaymentHash, InvoicePurpose Purpose = InvoicePurpose.CheckpointFee);

/// <summary>
/// Checkpoint fees in the ledger. A fee is recorded when its token is used, and again checked
/// when its invoice can no longer change (a job at the invoice's expiry), so a fee paid and never
/// used is in the ledger too. Both paths record once, by payment hash.
/// </summary>
public static class CheckpointFees
{
    /// <summary>Records a standard L402 fee when the node shows its invoice settled; false when it is not (yet).</summary>
    public static async Task<bool> RecordIfSettledAsync(IGrainFactory grains, ILightningNode node, PaymentHash hash,
        InvoicePurpose purpose = InvoicePurpose.CheckpointFee, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(node);
        var tracked = grains.GetGrain<IInvoiceGrain>(hash.ToHex());
        if (await tracked.GetAsync() is { IsFinal: true } final)
        {
            // Posting again is a no-op when the ledger has the entry (keyed by payment hash), and
            // completes the record when a crash fell between the invoice write and the post.
            await tracked.RecordAsync(final.State, final.AmountSat, final.FeeSat);
            return true;
        }

        var invoice = await node.LookupInvoiceAsync(hash, cancellationToken);
        if (invoice is not { State: InvoiceState.Settled }) return false;
        var amount = invoice.AmountPaid.ToSatsFloor().Value;
        await tracked.TrackAsync(InvoiceDirection.Incoming, purpose, amount, MoneyState.Open, owner: null);
        await tracked.RecordAsync(MoneyState.Settled, amount);
        return true;
    }

    /// <summary>The job that checks a fee invoice once it has expired (unique by payment hash).</summary>
    public static JobRequest CheckAtExpiry(PaymentHash hash, DateTimeOffset expiresAt, InvoicePurpose purpose = InvoicePurpose.CheckpointFee) =>
        JobRequest.Create(TrainingJobTypes.CheckCheckpointFee, hash.ToHex(), new CheckpointFeeJob(hash.ToHex(), purpose), expiresAt, GrainJson.Options);
}

/// <summary>Records a checkpoint fee whose invoice was paid but whose token may never be used; nothing for an unpaid one.</summary>
public sealed class CheckCheckpointFeeHandler(ILightningNode node) : IJobHandler
{
    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        var payload = job.Payload<CheckpointFeeJob>();
        var hash = PaymentHash.FromHex(payload.PaymentHash);
        if (await CheckpointFees.RecordIfSettledAsync(job.Grains, node, hash, payload.Purpose, cancellationToken)) return;
        // Still payable (the clocks disagree by a little): look again later; an expired or cancelled one is done.
        if (await node.LookupInvoiceAsync(hash, cancellationToken) is { State: InvoiceState.Open } open && open.ExpiresAt > job.Time.GetUtcNow())
            throw new InvalidOperationException($"Checkpoint fee invoice {hash.ToHex()} is still payable until {open.ExpiresAt:O}.");
    }
}
