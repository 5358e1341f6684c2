namespace L402Train.Lightning.Bolt11;

/// <summary>
/// Bech32 (BIP-173, checksum constant 1) as BOLT11 uses it: no 90-character limit, the
/// separator is the last '1', all-lowercase or all-uppercase only.
/// </summary>
internal static class Bech32
{
    internal const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static readonly sbyte[] Reverse = BuildReverse();

    private static sbyte[] BuildReverse()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (var i = 0; i < Charset.Length; i++)
        {
            table[Charset[i]] = (sbyte)i;
            table[char.ToUpperInvariant(Charset[i])] = (sbyte)i;
        }
        return table;
    }

    /// <summary>Splits and checks a bech32 string: returns the lowercase HRP and the 5-bit data without checksum.</summary>
    public static (string Hrp, byte[] Data) Decode(string text)
    {
        bool hasLower = false, hasUpper = false;
        foreach (var c in text)
        {
            if (c < 33 || c > 126) throw new Bolt11FormatException($"Character 0x{(int)c:x2} is not allowed in bech32.");
            if (c is >= 'a' and <= 'z') hasLower = true;
            else if (c is >= 'A' and <= 'Z') hasUpper = true;
        }
        if (hasLower && hasUpper) throw new Bolt11FormatException("Mixed-case string: bech32 must be all lowercase or all uppercase.");
        var separator = text.LastIndexOf('1');
        if (separator < 1) throw new Bolt11FormatException("No '1' separator with a human-readable part before it.");
        if (text.Length - separator - 1 < 6) throw new Bolt11FormatException("The bech32 checksum is missing.");
        var hrp = text[..separator].ToLowerInvariant();
        var data = new byte[text.Length - separator - 1];
        for (var i = 0; i < data.Length; i++)
        {
            var c = text[separator + 1 + i];
            var v = c < 128 ? Reverse[c] : (sbyte)-1;
            if (v < 0) throw new Bolt11FormatException($"'{c}' is not a bech32 character.");
            data[i] = (byte)v;
        }
        if (Polymod(hrp, data) != 1) throw new Bolt11FormatException("Invalid bech32 checksum.");
        return (hrp, data[..^6]);
    }

    /// <summary>Appends the checksum and renders lowercase bech32.</summary>
    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        var withChecksum = new byte[data.Length + 6];
        data.CopyTo(withChecksum);
        var mod = Polymod(hrp, withChecksum) ^ 1;
        for (var i = 0; i < 6; i++) withChecksum[data.Length + i] = (byte)((mod >> (5 * (5 - i))) & 31);
        return string.Create(hrp.Length + 1 + withChecksum.Length, (hrp, withChecksum), static (span, state) =>
        {
            state.hrp.AsSpan().CopyTo(span);
            span[state.hrp.Length] = '1';
            for (var i = 0; i < state.withChecksum.Length; i++) span[state.hrp.Length + 1 + i] = Charset[state.withChecksum[i]];
        });
    }

    private static uint Polymod(string hrp, ReadOnlySpan<byte> data)
    {
        uint chk = 1;
        foreach (var c in hrp) chk = Step(chk) ^ (uint)(c >> 5);
        chk = Step(chk);
        foreach (var c in hrp) chk = Step(chk) ^ (uint)(c & 31);
        foreach (var v in data) chk = Step(chk) ^ v;
        return chk;
    }

    private static uint Step(uint chk)
    {
        var top = chk >> 25;
        chk = (chk & 0x1ffffff) << 5;
        if ((top & 1) != 0) chk ^= 0x3b6a57b2;
        if ((top & 2) != 0) chk ^= 0x26508e6d;
        if ((top & 4) != 0) chk ^= 0x1ea119fa;
        if ((top & 8) != 0) chk ^= 0x3d4233dd;
        if ((top & 16) != 0) chk ^= 0x2a1462b3;
        return chk;
    }

    /// <summary>5-bit groups to bytes; trailing bits that do not fill a byte are dropped (or kept as a zero-padded byte when <paramref name="pad"/>).</summary>
    public static byte[] FiveToEight(ReadOnlySpan<byte> groups, bool pad)
    {
        var output = new byte[pad ? (groups.Length * 5 + 7) / 8 : groups.Length * 5 / 8];
        int acc = 0, bits = 0, index = 0;
        foreach (var g in groups)
        {
            acc = (acc << 5) | g;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output[index++] = (byte)(acc >> bits);
                acc &= (1 << bits) - 1;
            }
        }
        if (pad && bits > 0) output[index] = (byte)(acc << (8 - bits));
        return output;
    }

    /// <summary>Bytes to 5-bit groups, zero-padding the last group.</summary>
    public static byte[] EightToFive(ReadOnlySpan<byte> bytes)
    {
        var output = new byte[(bytes.Length * 8 + 4) / 5];
        int acc = 0, bits = 0, index = 0;
        foreach (var b in bytes)
        {
            acc = (acc << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                output[index++] = (byte)((acc >> bits) & 31);
            }
            acc &= (1 << bits) - 1;
        }
        if (bits > 0) output[index] = (byte)((acc << (5 - bits)) & 31);
        return output;
    }
}
