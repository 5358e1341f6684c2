namespace L402Train.Model.Checkpoints;

/// <summary>Element types this project reads and writes (safetensors names <c>F32</c> and <c>BF16</c>).</summary>
public enum SafeTensorsDType
{
    /// <summary>IEEE 754 binary32, little-endian, 4 bytes.</summary>
    F32,

    /// <summary>bfloat16 (the top 16 bits of a binary32), little-endian, 2 bytes.</summary>
    BF16,
}

/// <summary>Sizes, names and conversions of <see cref="SafeTensorsDType"/>.</summary>
public static class SafeTensorsDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this SafeTensorsDType dtype) => dtype == SafeTensorsDType.F32 ? 4 : 2;

    /// <summary>The dtype's name in a safetensors header.</summary>
    public static string HeaderName(this SafeTensorsDType dtype) => dtype == SafeTensorsDType.F32 ? "F32" : "BF16";

    /// <summary>float → bfloat16 bits, rounding to nearest even (NaN stays a quiet NaN).</summary>
    public static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>bfloat16 bits → float (exact).</summary>
    public static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
