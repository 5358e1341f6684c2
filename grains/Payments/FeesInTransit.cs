using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>
/// Standard L402 fees paid but not in the ledger yet. Such a fee raises the node's balance when it
/// is paid, but the ledger records it only when its token is used or when the fee sweep next passes
/// it; in between the ledger check counts it here instead of calling it a difference. Every fee
/// invoice at or below the ledger's <see cref="LedgerState.FeeCursor"/> is final and recorded, so the
/// fees in transit are the settled fee invoices above the cursor that the ledger does not hold.
/// </summary>
internal static class FeesInTransit
{
    /// <summary>What the fees in transit add up to.</summary>
    public readonly record struct Total(long Sat, int Count);

    /// <summary>
    /// Sums the settled fee invoices above <paramref name="ledger"/>'s cursor that it does not hold. The
    /// ledger keeps one entry per payment hash, so a fee whose token was used is skipped here and
    /// counted once.
    /// </summary>
    public static async Task<Total> FindAsync(LedgerState ledger, ILightningNode node, StandardFeeInvoices fees, CancellationToken cancellationToken)
    {
        var recorded = ledger.Entries.Select(e => e.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var total = new Total(0, 0);
        for (var offset = ledger.FeeCursor; ;)
        {
            var page = await node.ListInvoicesAsync(new InvoiceQuery(offset, FeeSweep.PageSize), cancellationToken);
            if (page.Invoices.Count == 0) return total;
            foreach (var invoice in page.Invoices)
            {
                if (invoice.State != InvoiceState.Settled || fees.PurposeOf(invoice) is null || recorded.Contains(invoice.Hash.ToHex())) continue;
                // The same rounding as the sweep uses when it records the fee.
                total = new Total(checked(total.Sat + invoice.AmountPaid.ToSatsFloor().Value), total.Count + 1);
            }
            offset = page.LastIndexOffset;
        }
    }
}
