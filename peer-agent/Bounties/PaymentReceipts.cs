using System.Collections.Concurrent;
using L402Train.L402.Challenges;
using L402Train.L402.Client;
using L402Train.L402.Tokens;
using L402Train.Lightning;

namespace L402Train.PeerAgent.Bounties;

/// <summary>What one L402 payment bought: its hash, the proof of payment (null while a deposit is held) and what it cost now.</summary>
/// <param name="PaymentHash">The invoice's payment hash, hex.</param>
/// <param name="Preimage">The preimage, hex; null for a deposit that is still held or was refunded.</param>
/// <param name="Sats">What was paid for this request; 0 when a cached token was reused.</param>
public sealed record L402Paid(string PaymentHash, string? Preimage, long Sats);

/// <summary>
/// The receipts the L402 handler writes, kept by payment hash so a caller can tell what a request
/// paid (and that a reused cached token paid nothing more).
/// </summary>
public sealed class PaymentReceipts : IPaymentReceiptSink
{
    private readonly ConcurrentDictionary<string, L402PaymentReceipt> unclaimed = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask RecordAsync(L402PaymentReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        // Only the first receipt counts: a hold deposit writes another one when it resolves.
        if (receipt.Status == PaymentStatus.Succeeded || receipt.Mode == L402.Gate.L402Mode.Hold) unclaimed.TryAdd(receipt.PaymentHash.ToHex(), receipt);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// What the credential <paramref name="authorization"/> (the <c>Authorization</c> header a request
    /// was sent with) paid; the amount is counted once, a later call for the same token says 0.
    /// </summary>
    public L402Paid? Describe(string? authorization)
    {
        var parsed = L402Credential.Parse(authorization);
        if (parsed.Credential is not { Macaroons.Count: > 0 } credential) return null;
        if (!TokenIdentifier.TryDecode(credential.Macaroons[0].Identifier.Span, out var identifier, out _)) return null;
        var hash = identifier!.PaymentHash.ToHex();
        var sats = unclaimed.TryRemove(hash, out var receipt) ? (receipt.Amount + receipt.Fee).ToSatsFloor().Value : 0;
        return new L402Paid(hash, credential.Preimage?.ToHex(), sats);
    }
}
