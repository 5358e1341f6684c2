namespace L402Train.Lightning.Bolt11;

/// <summary>A BOLT11 string is malformed, violates the spec, or its signature does not check.</summary>
public sealed class Bolt11FormatException : FormatException
{
    /// <summary>Creates the exception with what is wrong.</summary>
    public Bolt11FormatException(string message) : base(message) { }

    /// <summary>Creates the exception with what is wrong and the cause.</summary>
    public Bolt11FormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public Bolt11FormatException() { }
}
