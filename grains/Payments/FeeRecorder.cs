using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>
/// The one recorder of standard L402 fees (checkpoint download, bounty access, inference) in the
/// ledger: the gateway calls it when a paid token is used, the periodic <see cref="FeeSweep"/> for a
/// fee whose token never is; both record once, by payment hash. Issuing a challenge writes nothing.
/// </summary>
/// <remarks>A fee is part of the payments life cycle, so it lives here, not in a track's API.</remarks>
public static class FeeRecorder
{
    /// <summary>Records a standard L402 fee when the node shows its invoice settled; false when it is not (yet).</summary>
    public static async Task<bool> RecordIfSettledAsync(IGrainFactory grains, ILightningNode node, PaymentHash hash,
        InvoicePurpose purpose, CancellationToken cancellationToken = default)
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
        await RecordSettledAsync(grains, invoice, purpose);
        return true;
    }

    /// <summary>Records a fee invoice the node reported settled (idempotent by payment hash).</summary>
    public static async Task RecordSettledAsync(IGrainFactory grains, Invoice invoice, InvoicePurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(invoice);
        if (invoice.State != InvoiceState.Settled) throw new ArgumentException($"Invoice {invoice.Hash.ToHex()} is {invoice.State}, not settled.", nameof(invoice));
        var tracked = grains.GetGrain<IInvoiceGrain>(invoice.Hash.ToHex());
        var amount = invoice.AmountPaid.ToSatsFloor();
        await tracked.TrackAsync(InvoiceDirection.Incoming, purpose, amount, MoneyState.Open, owner: null);
        await tracked.RecordAsync(MoneyState.Settled, amount);
    }
}
