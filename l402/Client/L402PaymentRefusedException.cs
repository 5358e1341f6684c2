namespace L402Train.L402.Client;

/// <summary>Why the client did not (successfully) pay a 402.</summary>
public enum L402Refusal
{
    /// <summary>The invoice has no amount (or zero): refused, never paid.</summary>
    Amountless,
    /// <summary>Paying would exceed a budget.</summary>
    OverBudget,
    /// <summary>The invoice's hash differs from the token identifier's, or the preimage does not hash to it.</summary>
    HashMismatch,
    /// <summary>The invoice or the macaroon cannot be read, or the invoice has expired.</summary>
    InvalidChallenge,
    /// <summary>The Lightning payment failed (funds are back).</summary>
    PaymentFailed,
}

/// <summary>The handler received a 402 it would not or could not pay.</summary>
public sealed class L402PaymentRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public L402PaymentRefusedException(L402Refusal reason, string message) : base(message) => Reason = reason;

    /// <summary>Creates the exception.</summary>
    public L402PaymentRefusedException() { }

    /// <summary>Creates the exception.</summary>
    public L402PaymentRefusedException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public L402PaymentRefusedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Why.</summary>
    public L402Refusal Reason { get; }
}
