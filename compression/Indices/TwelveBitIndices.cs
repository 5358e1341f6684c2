namespace L402Train.Compression;

/// <summary>
/// Templar's 12-bit index packing (<c>pack_12bit_indices</c>): consecutive pairs (a, b) become
/// three bytes a&amp;0xFF, (a&gt;&gt;8 &amp; 0x0F) | (b&amp;0x0F)&lt;&lt;4, b&gt;&gt;4. The reference
/// requires an even count; the wire format's per-tensor sections may hold an odd count, whose last
/// index then takes two bytes with a zero high nibble.
/// </summary>
public static class TwelveBitIndices
{
    /// <summary>Largest index that fits (4,095).</summary>
    public const int MaxIndex = 4095;

    /// <summary>Bytes needed for <paramref name="count"/> indices (odd tail included).</summary>
    public static int PackedLength(int count) => ((count / 2) * 3) + ((count % 2) * 2);

    /// <summary>Packs an even number of indices exactly as the reference does.</summary>
    /// <exception cref="ArgumentException">Odd count, an index above 4,095, or a short output.</exception>
    public static void Pack(ReadOnlySpan<ushort> indices, Span<byte> output)
    {
        if (indices.Length % 2 != 0)
        {
            throw new ArgumentException("12-bit packing takes an even number of indices.", nameof(indices));
        }

        foreach (var index in indices)
        {
            if (index > MaxIndex)
            {
                throw new ArgumentException($"Index {index} does not fit in 12 bits.", nameof(indices));
            }
        }

        if (output.Length < PackedLength(indices.Length))
        {
            throw new ArgumentException("Output is too short.", nameof(output));
        }

        Write(indices, output);
    }

    /// <summary>Unpacks <c>output.Length</c> indices (an even count) from reference-packed bytes.</summary>
    /// <exception cref="ArgumentException">Odd count or input of the wrong length.</exception>
    public static void Unpack(ReadOnlySpan<byte> packed, Span<ushort> output)
    {
        if (output.Length % 2 != 0 || packed.Length != PackedLength(output.Length))
        {
            throw new ArgumentException("12-bit unpacking takes an even count and exactly 3 bytes per pair.", nameof(packed));
        }

        Read(packed, output);
    }

    /// <summary>Packs any count of indices already known to be ≤ 4,095 (odd tail in two bytes).</summary>
    internal static void Write(ReadOnlySpan<ushort> indices, Span<byte> output)
    {
        var pairs = indices.Length / 2;
        for (var p = 0; p < pairs; p++)
        {
            int a = indices[2 * p], b = indices[(2 * p) + 1];
            output[3 * p] = (byte)a;
            output[(3 * p) + 1] = (byte)(((a >> 8) & 0x0F) | ((b & 0x0F) << 4));
            output[(3 * p) + 2] = (byte)(b >> 4);
        }

        if (indices.Length % 2 != 0)
        {
            int a = indices[^1];
            output[3 * pairs] = (byte)a;
            output[(3 * pairs) + 1] = (byte)((a >> 8) & 0x0F);
        }
    }

    /// <summary>Unpacks any count; returns false when an odd tail's unused high nibble is not zero.</summary>
    internal static bool Read(ReadOnlySpan<byte> packed, Span<ushort> output)
    {
        var pairs = output.Length / 2;
        for (var p = 0; p < pairs; p++)
        {
            int b0 = packed[3 * p], b1 = packed[(3 * p) + 1], b2 = packed[(3 * p) + 2];
            output[2 * p] = (ushort)(b0 | ((b1 & 0x0F) << 8));
            output[(2 * p) + 1] = (ushort)((b1 >> 4) | (b2 << 4));
        }

        if (output.Length % 2 != 0)
        {
            int b0 = packed[3 * pairs], b1 = packed[(3 * pairs) + 1];
            output[^1] = (ushort)(b0 | ((b1 & 0x0F) << 8));
            return (b1 & 0xF0) == 0;
        }

        return true;
    }
}
