using L402Train.L402.Client;
using L402Train.L402.Gate;
using L402Train.Lightning;

namespace L402Train.PeerAgent.Claims;

/// <summary>
/// Listens to the L402 handler's receipts and saves a <see cref="PendingClaim"/> as soon as a
/// deposit for a submission (<c>PUT /gradient</c>, <c>POST /bounty/{id}/submit</c>) is locked,
/// before the request carrying it is retried; other receipts pass on to <paramref name="inner"/>.
/// </summary>
public sealed class PendingClaimSink(PendingClaims claims, Uri coordinator, IPaymentReceiptSink? inner = null) : IPaymentReceiptSink
{
    /// <inheritdoc />
    public async ValueTask RecordAsync(L402PaymentReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Mode == L402Mode.Hold && receipt.Status == PaymentStatus.InFlight && Describe(receipt.RequestUri) is var (kind, bountyId))
        {
            await claims.SaveAsync(new PendingClaim(kind, coordinator.ToString(), receipt.PaymentHash.ToHex(), $"L402 {receipt.Macaroon}:",
                receipt.Amount.ToSatsFloor().Value, receipt.At, bountyId), cancellationToken);
        }
        if (inner is not null) await inner.RecordAsync(receipt, cancellationToken);
    }

    // Which submission route the deposit paid for, relative to the coordinator's base URL.
    private (string Kind, string? BountyId)? Describe(Uri requestUri)
    {
        if (!coordinator.IsBaseOf(requestUri)) return null;
        var path = coordinator.MakeRelativeUri(requestUri).OriginalString.Split('?')[0];
        var parts = path.Split('/');
        return parts switch
        {
            ["gradient"] => (ClaimKinds.Training, null),
            ["bounty", var id, "submit"] => (ClaimKinds.Bounty, Uri.UnescapeDataString(id)),
            _ => null,
        };
    }
}
