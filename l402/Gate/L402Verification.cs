namespace L402Train.L402.Gate;

/// <summary>How the gate answers a credential.</summary>
public enum L402Outcome
{
    /// <summary>Accepted: the request goes through.</summary>
    Accepted,
    /// <summary>Missing, unpaid, expired, revoked, forged or for another scope: 402 with a fresh challenge.</summary>
    PaymentRequired,
    /// <summary>The header is syntactically wrong: 400.</summary>
    Malformed,
    /// <summary>A single-use (hold) token was already used: 409.</summary>
    AlreadyUsed,
}

/// <summary>The gate's verdict on one request.</summary>
/// <param name="Outcome">What to answer.</param>
/// <param name="Token">The accepted token.</param>
/// <param name="Reason">Why it was not accepted (safe to show the client).</param>
public sealed record L402Verification(L402Outcome Outcome, L402VerifiedToken? Token, string? Reason)
{
    internal static L402Verification Accept(L402VerifiedToken token) => new(L402Outcome.Accepted, token, null);
    internal static L402Verification Pay(string reason) => new(L402Outcome.PaymentRequired, null, reason);
    internal static L402Verification Bad(string reason) => new(L402Outcome.Malformed, null, reason);
    internal static L402Verification Used(string reason) => new(L402Outcome.AlreadyUsed, null, reason);
}
