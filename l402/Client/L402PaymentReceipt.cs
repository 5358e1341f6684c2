using L402Train.L402.Gate;
using L402Train.Lightning;

namespace L402Train.L402.Client;

/// <summary>
/// What the client paid for what: one receipt per successful payment; a hold deposit gives one
/// when its HTLC is locked (<see cref="PaymentStatus.InFlight"/>) and one when it resolves.
/// </summary>
/// <param name="RequestUri">The URL bought.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="PaymentHash">The invoice hash (also in the token identifier).</param>
/// <param name="Preimage">The proof of payment; null while a deposit is held or after a refund.</param>
/// <param name="Amount">What the invoice asked.</param>
/// <param name="Fee">Routing fee paid.</param>
/// <param name="Mode">Standard or hold.</param>
/// <param name="Status">InFlight (deposit locked), Succeeded (paid/forfeited) or Failed (refunded).</param>
/// <param name="Invoice">The BOLT11 invoice.</param>
/// <param name="Macaroon">The token's macaroon (base64).</param>
/// <param name="At">When this receipt was written.</param>
public sealed record L402PaymentReceipt(
    Uri RequestUri,
    string Method,
    PaymentHash PaymentHash,
    Preimage? Preimage,
    MilliSats Amount,
    MilliSats Fee,
    L402Mode Mode,
    PaymentStatus Status,
    string Invoice,
    string Macaroon,
    DateTimeOffset At);

/// <summary>Where receipts go (the provenance log implements it).</summary>
public interface IPaymentReceiptSink
{
    /// <summary>Records one receipt.</summary>
    ValueTask RecordAsync(L402PaymentReceipt receipt, CancellationToken cancellationToken = default);
}
