using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>
/// Records in the ledger every standard L402 fee the node shows settled, whether or not its token is
/// ever presented, without writing anything when a challenge is issued. It lists the node's invoices
/// by add index from the ledger's <see cref="LedgerState.FeeCursor"/>, records each settled fee the
/// ledger lacks (by payment hash, so a fee already recorded by its used token, or by a sweep on
/// another silo, is not recorded again), and moves the cursor up to just below the oldest fee
/// invoice that may still be paid. Its cost per run is the invoices issued since that one.
/// </summary>
internal static class FeeSweep
{
    /// <summary>Invoices per listing call.</summary>
    public const int PageSize = 500;

    /// <summary>
    /// How long after its expiry an unpaid fee invoice still counts as payable: the node, not this
    /// silo's clock, decides when an invoice expires, and the two clocks may disagree a little.
    /// </summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    /// <summary>What one run did.</summary>
    /// <param name="Listed">Invoices read from the node.</param>
    /// <param name="Recorded">Settled fees this run posted to the ledger.</param>
    /// <param name="Cursor">The cursor after the run.</param>
    public readonly record struct Result(int Listed, int Recorded, long Cursor);

    /// <summary>Runs the sweep once at <paramref name="now"/>. Safe to run twice, or on two silos at once.</summary>
    public static async Task<Result> RunAsync(IGrainFactory grains, ILightningNode node, StandardFeeInvoices fees, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(fees);
        var ledger = grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey);
        var state = await ledger.GetAsync();
        var recorded = state.Entries.Select(e => e.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        long? oldestPayable = null;
        var cursor = state.FeeCursor;
        var (listed, posted) = (0, 0);
        for (var offset = state.FeeCursor; ;)
        {
            var page = await node.ListInvoicesAsync(new InvoiceQuery(offset, PageSize), cancellationToken);
            foreach (var invoice in page.Invoices)
            {
                listed++;
                if (fees.PurposeOf(invoice) is not { } purpose) continue;
                if (invoice.State == InvoiceState.Settled)
                {
                    if (!recorded.Contains(invoice.Hash.ToHex()))
                    {
                        await FeeRecorder.RecordSettledAsync(grains, invoice, purpose);
                        posted++;
                    }
                }
                else if (MayStillBePaid(invoice, now))
                {
                    oldestPayable ??= invoice.AddIndex;
                }
            }
            if (page.Invoices.Count == 0) break;
            cursor = page.LastIndexOffset;
            offset = page.LastIndexOffset;
        }
        // Everything below the oldest payable fee is final and recorded; with none, everything listed is.
        var next = oldestPayable is { } open ? open - 1 : cursor;
        if (next > state.FeeCursor) await ledger.AdvanceFeeCursorAsync(next);
        return new Result(listed, posted, Math.Max(next, state.FeeCursor));
    }

    /// <summary>An OPEN fee invoice before its expiry (plus <see cref="ExpiryMargin"/>) can still be paid; anything else is final.</summary>
    public static bool MayStillBePaid(Invoice invoice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.State == InvoiceState.Accepted || (invoice.State == InvoiceState.Open && now < invoice.ExpiresAt + ExpiryMargin);
    }
}
