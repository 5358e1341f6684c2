namespace L402Train.Lightning.Simnet;

public sealed partial class SimnetNetwork
{
    // Each node's invoices by add index. Add indexes only grow, so appending keeps every list sorted
    // (a restart loads the records in add-index order) and a page is a binary search plus a slice.
    private readonly Dictionary<string, List<InvoiceRecord>> invoicesByAddIndex = new(StringComparer.Ordinal);

    private void IndexInvoice(InvoiceRecord record)
    {
        if (!invoicesByAddIndex.TryGetValue(record.Node, out var list)) invoicesByAddIndex[record.Node] = list = [];
        list.Add(record);
    }

    /// <summary>LND's ListInvoices over one node: see <see cref="ILightningNode.ListInvoicesAsync"/>.</summary>
    internal InvoicePage ListInvoices(string node, InvoiceQuery query, long creationDateStart = 0, long creationDateEnd = 0)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.IndexOffset < 0) throw new ArgumentException("index_offset must not be negative");
        if (query.MaxInvoices < 0) throw new ArgumentException("num_max_invoices must not be negative");
        var max = query.MaxInvoices == 0 ? InvoiceQuery.DefaultMaxInvoices : query.MaxInvoices;
        lock (gate)
        {
            RequireNode(node);
            var list = invoicesByAddIndex.GetValueOrDefault(node) ?? [];
            var page = new List<Invoice>(Math.Min(max, 1024));
            bool Wanted(InvoiceRecord r) =>
                (!query.PendingOnly || r.State is InvoiceState.Open or InvoiceState.Accepted)
                && (creationDateStart == 0 || r.CreatedAt.ToUnixTimeSeconds() >= creationDateStart)
                && (creationDateEnd == 0 || r.CreatedAt.ToUnixTimeSeconds() <= creationDateEnd);
            if (!query.Reversed)
            {
                for (var i = FirstAbove(list, query.IndexOffset); i < list.Count && page.Count < max; i++)
                {
                    if (Wanted(list[i])) page.Add(ToInvoice(list[i]));
                }
            }
            else
            {
                // Backwards from the offset (0: from the newest), returned oldest first as LND does.
                var start = query.IndexOffset == 0 ? list.Count - 1 : FirstAbove(list, query.IndexOffset - 1) - 1;
                for (var i = start; i >= 0 && page.Count < max; i--)
                {
                    if (Wanted(list[i])) page.Add(ToInvoice(list[i]));
                }
                page.Reverse();
            }
            return page.Count == 0 ? new InvoicePage([], 0, 0) : new InvoicePage(page, page[0].AddIndex, page[^1].AddIndex);
        }
    }

    /// <summary>The position of the first invoice whose add index is above <paramref name="offset"/>.</summary>
    private static int FirstAbove(List<InvoiceRecord> list, long offset)
    {
        int low = 0, high = list.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (list[middle].AddIndex <= offset) low = middle + 1;
            else high = middle;
        }
        return low;
    }
}
