namespace L402Train.L402.Macaroons;

/// <summary>Bytes or text that are not a valid V2 macaroon; the message says what is wrong.</summary>
public sealed class MacaroonFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public MacaroonFormatException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public MacaroonFormatException() { }

    /// <summary>Creates the exception.</summary>
    public MacaroonFormatException(string message, Exception innerException) : base(message, innerException) { }
}
