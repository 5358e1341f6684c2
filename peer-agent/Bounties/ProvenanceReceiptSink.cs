using L402Train.L402.Client;
using L402Train.Lightning;

namespace L402Train.PeerAgent.Bounties;

/// <summary>
/// Writes every settled L402 payment of a handler to the provenance log under one action name
/// (e.g. <c>llm</c> for a priced chat endpoint), so paid model calls are accounted like downloads.
/// </summary>
public sealed class ProvenanceReceiptSink(ProvenanceLog log, string action, string? bounty, string agent) : IPaymentReceiptSink
{
    /// <inheritdoc />
    public async ValueTask RecordAsync(L402PaymentReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Status != PaymentStatus.Succeeded) return;
        await log.AppendAsync(new ProvenanceEntry(log.Now, action, bounty, agent, PaymentHash: receipt.PaymentHash.ToHex(), Preimage: receipt.Preimage?.ToHex(),
            Sats: (receipt.Amount + receipt.Fee).ToSatsFloor().Value, Url: receipt.RequestUri.GetLeftPart(UriPartial.Path)), cancellationToken);
    }
}
