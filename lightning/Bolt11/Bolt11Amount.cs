using System.Globalization;

namespace L402Train.Lightning.Bolt11;

/// <summary>The amount in a BOLT11 human-readable part: BTC times a multiplier (m, u, n, p).</summary>
internal static class Bolt11Amount
{
    /// <summary>Parses e.g. "2500u"; refuses leading zeros, zero, unknown multipliers and sub-millisatoshi precision.</summary>
    public static MilliSats Parse(string text)
    {
        var last = text[^1];
        var digits = char.IsAsciiDigit(last) ? text : text[..^1];
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
            throw new Bolt11FormatException($"'{text}' is not a valid amount: not a valid multiplier or number.");
        if (digits[0] == '0') throw new Bolt11FormatException($"Amount '{text}' has a leading zero or is zero.");
        if (!ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new Bolt11FormatException($"Amount '{text}' is out of range.");
        try
        {
            ulong msat = last switch
            {
                'm' => checked(value * 100_000_000UL),
                'u' => checked(value * 100_000UL),
                'n' => checked(value * 100UL),
                'p' => value % 10 == 0 ? value / 10 : throw new Bolt11FormatException($"Amount '{text}' has sub-millisatoshi precision."),
                _ when char.IsAsciiDigit(last) => checked(value * 100_000_000_000UL),
                _ => throw new Bolt11FormatException($"'{last}' is not a valid multiplier for the amount."),
            };
            if (msat > long.MaxValue) throw new OverflowException();
            return new MilliSats((long)msat);
        }
        catch (OverflowException)
        {
            throw new Bolt11FormatException($"Amount '{text}' is out of range.");
        }
    }

    /// <summary>The shortest exact rendering of a positive amount.</summary>
    public static string Format(MilliSats amount)
    {
        var msat = amount.Value;
        if (msat <= 0) throw new ArgumentOutOfRangeException(nameof(amount), "A BOLT11 amount is positive; omit it for an amountless invoice.");
        if (msat % 100_000_000_000L == 0) return (msat / 100_000_000_000L).ToString(CultureInfo.InvariantCulture);
        if (msat % 100_000_000L == 0) return (msat / 100_000_000L).ToString(CultureInfo.InvariantCulture) + "m";
        if (msat % 100_000L == 0) return (msat / 100_000L).ToString(CultureInfo.InvariantCulture) + "u";
        if (msat % 100L == 0) return (msat / 100L).ToString(CultureInfo.InvariantCulture) + "n";
        return checked(msat * 10).ToString(CultureInfo.InvariantCulture) + "p";
    }
}
