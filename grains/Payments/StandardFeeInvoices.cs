using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>
/// Tells the coordinator's standard L402 fee invoices apart from everything else on its node, from
/// the invoice alone: the gate writes the memo <c>"&lt;prefix&gt; &lt;capability&gt;"</c> (e.g.
/// <c>"L402 checkpoint"</c>), and each capability priced in standard mode maps to the ledger group
/// of its fee. A hold invoice (a deposit), a memo of another form (bounty funding, anything made by
/// hand) or a capability not listed here (the deposits' <c>gradient</c>, <c>bounty-submit</c>) is no
/// fee. LND's JSON has no hold flag once a hold invoice settles, so the capability list, not the flag
/// alone, is what keeps deposits out.
/// </summary>
public sealed class StandardFeeInvoices
{
    private readonly string memoPrefix;
    private readonly Dictionary<string, InvoicePurpose> purposes;

    /// <summary>Creates the classifier for the gate's <paramref name="memoPrefix"/> and the standard capabilities' purposes.</summary>
    public StandardFeeInvoices(string memoPrefix, IReadOnlyDictionary<string, InvoicePurpose> purposeByCapability)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(memoPrefix);
        ArgumentNullException.ThrowIfNull(purposeByCapability);
        this.memoPrefix = memoPrefix + " ";
        purposes = new Dictionary<string, InvoicePurpose>(purposeByCapability, StringComparer.Ordinal);
    }

    /// <summary>The ledger group of the fee <paramref name="invoice"/> is, or null when it is no standard L402 fee.</summary>
    public InvoicePurpose? PurposeOf(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        if (invoice.IsHold || invoice.Memo is not { } memo || !memo.StartsWith(memoPrefix, StringComparison.Ordinal)) return null;
        return purposes.TryGetValue(memo[memoPrefix.Length..], out var purpose) ? purpose : null;
    }
}
