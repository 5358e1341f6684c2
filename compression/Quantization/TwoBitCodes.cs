namespace L402Train.Compression;

/// <summary>Packs 2-bit codes four to a byte, first code in the lowest bits.</summary>
internal static class TwoBitCodes
{
    public static void Pack(ReadOnlySpan<byte> codes, Span<byte> output)
    {
        var whole = codes.Length / 4;
        for (var i = 0; i < whole; i++)
        {
            output[i] = (byte)(codes[4 * i] | (codes[(4 * i) + 1] << 2) | (codes[(4 * i) + 2] << 4) | (codes[(4 * i) + 3] << 6));
        }

        if (codes.Length % 4 != 0)
        {
            var last = 0;
            for (var j = 0; j < codes.Length % 4; j++)
            {
                last |= codes[(4 * whole) + j] << (2 * j);
            }

            output[whole] = (byte)last;
        }
    }

    /// <summary>Unpacks <c>codes.Length</c> codes; false when padding bits of a final partial byte are set.</summary>
    public static bool Unpack(ReadOnlySpan<byte> packed, Span<byte> codes)
    {
        var whole = codes.Length / 4;
        for (var i = 0; i < whole; i++)
        {
            int b = packed[i];
            codes[4 * i] = (byte)(b & 3);
            codes[(4 * i) + 1] = (byte)((b >> 2) & 3);
            codes[(4 * i) + 2] = (byte)((b >> 4) & 3);
            codes[(4 * i) + 3] = (byte)(b >> 6);
        }

        var rest = codes.Length % 4;
        if (rest == 0)
        {
            return true;
        }

        int last = packed[whole];
        for (var j = 0; j < rest; j++)
        {
            codes[(4 * whole) + j] = (byte)((last >> (2 * j)) & 3);
        }

        return last >> (2 * rest) == 0;
    }
}
