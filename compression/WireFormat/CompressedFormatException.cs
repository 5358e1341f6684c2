namespace L402Train.Compression;

/// <summary>
/// A compressed payload is malformed or disagrees with the expected manifest or settings. The
/// decoder raises only this exception for bad input, so a caller maps it to a client error (4xx).
/// </summary>
public sealed class CompressedFormatException : Exception
{
    /// <summary>Creates the exception with a message naming what is wrong.</summary>
    public CompressedFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public CompressedFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public CompressedFormatException()
        : base("Malformed compressed payload.")
    {
    }
}
