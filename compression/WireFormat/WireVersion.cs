namespace L402Train.Compression;

/// <summary>Wire format versions. Both decode forever; they carry the same selection and values.</summary>
public enum WireVersion : byte
{
    /// <summary>12-bit packed chunk-local indices (Templar's packing), 2-bit packed values.</summary>
    V1 = 1,

    /// <summary>Golomb–Rice coded index gaps per chunk, 2-bit packed values.</summary>
    V2 = 2,
}

/// <summary>How a tensor's values are carried.</summary>
internal enum ValueCoding : byte
{
    /// <summary>2-bit codes into the tensor's quantizer table.</summary>
    TwoBitLookup = 1,

    /// <summary>Raw little-endian fp32 values (quantization off).</summary>
    Float32 = 2,
}

/// <summary>Fixed constants of the wire format.</summary>
internal static class WireConstants
{
    /// <summary>"SLCO".</summary>
    public static ReadOnlySpan<byte> Magic => "SLCO"u8;

    public const int MaxMetadataEntries = 32;
    public const int MaxMetadataKeyBytes = 64;
    public const int MaxMetadataValueBytes = 1024;
}
