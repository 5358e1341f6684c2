namespace L402Train.Model.Checkpoints;

/// <summary>
/// A safetensors file is malformed (bad or oversized header, bad offsets, unsupported dtype,
/// truncated data) or does not fit the model it is loaded into (missing, extra or reshaped
/// tensors, another configuration). The message names the tensor or field at fault.
/// </summary>
public sealed class SafeTensorsFormatException : FormatException
{
    /// <summary>Creates the exception with a message.</summary>
    public SafeTensorsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SafeTensorsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public SafeTensorsFormatException()
        : base("Malformed safetensors data.")
    {
    }
}
