using L402Train.Lightning;

namespace L402Train.L402.Client;

/// <summary>
/// A hold-mode deposit the client has locked: the server may later settle it (forfeit) or
/// cancel it (refund). <see cref="Completion"/> ends with the payment's final state.
/// </summary>
/// <param name="PaymentHash">The deposit's payment hash.</param>
/// <param name="Amount">The deposit.</param>
/// <param name="Invoice">The hold invoice.</param>
/// <param name="Completion">SUCCEEDED (forfeited, preimage known) or FAILED (refunded).</param>
public sealed record L402PendingPayment(PaymentHash PaymentHash, MilliSats Amount, string Invoice, Task<Payment> Completion);

/// <summary>Per-request options the handler reads and writes (<see cref="HttpRequestMessage.Options"/>).</summary>
public static class L402RequestOptions
{
    /// <summary>Set by the caller: the cache scope (e.g. the capability) for this request's token; default the path.</summary>
    public static readonly HttpRequestOptionsKey<string> TokenScope = new("L402.TokenScope");

    /// <summary>Set by the handler after a hold-mode payment: the locked deposit.</summary>
    public static readonly HttpRequestOptionsKey<L402PendingPayment> PendingPayment = new("L402.PendingPayment");
}
