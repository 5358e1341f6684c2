namespace L402Train.L402.Gate;

/// <summary>How an endpoint is paid for.</summary>
public enum L402Mode
{
    /// <summary>A plain invoice; the token (macaroon + preimage) is reusable until it expires.</summary>
    Standard,

    /// <summary>
    /// A hold invoice (a deposit): the client presents the macaroon without a preimage while its
    /// HTLC is locked; the token pays for exactly one request, and the coordinator later settles
    /// (forfeits) or cancels (refunds) the deposit.
    /// </summary>
    Hold,
}
