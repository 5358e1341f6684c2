namespace L402Train.Lightning;

/// <summary>A page request of <see cref="ILightningNode.ListInvoicesAsync"/> (LND's ListInvoiceRequest).</summary>
/// <param name="IndexOffset">
/// Exclusive bound on the add index: forward, invoices above it; reversed, invoices below it (0 = from the newest).
/// </param>
/// <param name="MaxInvoices">The most invoices in the page (LND's default is 100).</param>
/// <param name="Reversed">Page backwards from <paramref name="IndexOffset"/>; the page itself is still oldest first, as LND returns it.</param>
/// <param name="PendingOnly">Only OPEN and ACCEPTED invoices.</param>
public sealed record InvoiceQuery(long IndexOffset = 0, int MaxInvoices = InvoiceQuery.DefaultMaxInvoices, bool Reversed = false, bool PendingOnly = false)
{
    /// <summary>LND's page size when <c>num_max_invoices</c> is 0 or absent.</summary>
    public const int DefaultMaxInvoices = 100;
}

/// <summary>One page of invoices, oldest first.</summary>
/// <param name="Invoices">The invoices, by increasing add index (each with <see cref="Invoice.AddIndex"/> set).</param>
/// <param name="FirstIndexOffset">The add index of the first invoice (0 for an empty page): the offset of the previous page when paging backwards.</param>
/// <param name="LastIndexOffset">The add index of the last invoice (0 for an empty page): the offset of the next page.</param>
public sealed record InvoicePage(IReadOnlyList<Invoice> Invoices, long FirstIndexOffset, long LastIndexOffset);
