using L402Train.Lightning;

namespace L402Train.L402.Client;

/// <summary>Settings of <see cref="L402PaymentHandler"/>.</summary>
public sealed class L402ClientOptions
{
    /// <summary>Spending limits (price + fee).</summary>
    public L402Budget Budget { get; set; } = L402Budget.Default;

    /// <summary>Most routing fee one payment may cost (Aperture's client default: 10 sat).</summary>
    public Sats MaxFee { get; set; } = new(10);

    /// <summary>Give up a payment when no HTLC is accepted by then.</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for a hold deposit's HTLC to be locked before giving up the request.</summary>
    public TimeSpan HoldLockTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Cache lifetime of a token whose macaroon has no <c>valid_until</c> caveat.</summary>
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Called when a hold deposit is locked, before the request is retried with it.</summary>
    public Func<L402PendingPayment, HttpRequestMessage, ValueTask>? OnHoldPayment { get; set; }
}
