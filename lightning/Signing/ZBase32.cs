namespace L402Train.Lightning.Signing;

/// <summary>
/// z-base-32 (Zooko's human-oriented base 32), the text form LND's <c>signmessage</c> gives signatures in:
/// 5 bits per character, most significant first, no padding.
/// </summary>
public static class ZBase32
{
    private const string Alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";

    /// <summary>Encodes <paramref name="data"/>.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[((data.Length * 8) + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }
        if (bits > 0) chars[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        return new string(chars, 0, index);
    }

    /// <summary>Decodes <paramref name="text"/>; false when a character is outside the alphabet.</summary>
    public static bool TryDecode(string text, out byte[] data)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<byte>((text.Length * 5) / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                data = [];
                return false;
            }
            buffer = ((buffer << 5) | value) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        data = [.. output];
        return true;
    }
}
