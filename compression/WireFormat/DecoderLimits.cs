namespace L402Train.Compression;

/// <summary>Bounds on what the decoder accepts, checked against declared sizes before reading or allocating.</summary>
public sealed record DecoderLimits
{
    /// <summary>Default limits (256 MiB payloads).</summary>
    public static DecoderLimits Default { get; } = new();

    /// <summary>Largest total payload size, in bytes, that a header may declare.</summary>
    public long MaxPayloadBytes { get; init; } = 256L * 1024 * 1024;
}
