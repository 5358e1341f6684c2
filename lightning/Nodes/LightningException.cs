namespace L402Train.Lightning;

/// <summary>A Lightning operation failed for a reason the node states (e.g. settling a cancelled invoice).</summary>
public class LightningException : Exception
{
    /// <summary>Creates the exception with the node's message.</summary>
    public LightningException(string message) : base(message) { }

    /// <summary>Creates the exception with the node's message and the cause.</summary>
    public LightningException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public LightningException() { }
}
