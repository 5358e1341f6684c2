using System.Globalization;
using System.Text.RegularExpressions;

namespace L402Train.Bounties.Improvers;

/// <summary>What kind of value a tunable token is.</summary>
internal enum TunableKind
{
    /// <summary>An integer or decimal literal.</summary>
    Number,

    /// <summary>A two-valued option word: yes/no, true/false, on/off.</summary>
    Option,
}

/// <summary>A value in a target file that the hill climber may change.</summary>
/// <param name="Path">The file.</param>
/// <param name="Offset">Character offset of the token in the file.</param>
/// <param name="Text">The token as written.</param>
/// <param name="Kind">Number or option.</param>
/// <param name="Key">The setting's name when the line reads "key = value" (or "key: value"), else null.</param>
internal sealed record TunableToken(string Path, int Offset, string Text, TunableKind Kind, string? Key);

/// <summary>
/// Finds tunable tokens: numbers and option words on non-comment lines. On "key = value" lines only
/// the value side counts, so setting names and quoted phrases with digits in their keys stay put.
/// </summary>
internal static partial class TunableScanner
{
    /// <summary>All tunable tokens of one file, in order.</summary>
    public static IReadOnlyList<TunableToken> Find(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<TunableToken>();
        var lineStart = 0;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimStart();
            if (!(trimmed.StartsWith('#') || trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith(';')))
            {
                var separator = line.IndexOfAny(['=', ':']);
                var key = separator > 0 ? line[..separator].Trim() : null;
                var valueStart = separator >= 0 ? separator + 1 : 0;
                var value = line[valueStart..];
                foreach (Match m in NumberPattern().Matches(value))
                {
                    tokens.Add(new TunableToken(path, lineStart + valueStart + m.Index, m.Value, TunableKind.Number, key));
                }
                foreach (Match m in OptionPattern().Matches(value))
                {
                    tokens.Add(new TunableToken(path, lineStart + valueStart + m.Index, m.Value, TunableKind.Option, key));
                }
            }
            lineStart += line.Length + 1;
        }
        return tokens.OrderBy(t => t.Offset).ToList();
    }

    /// <summary>The opposite option word, in the same case style.</summary>
    public static string FlipOption(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var flipped = word.ToLowerInvariant() switch
        {
            "yes" => "no",
            "no" => "yes",
            "true" => "false",
            "false" => "true",
            "on" => "off",
            "off" => "on",
            _ => throw new ArgumentException($"'{word}' is not an option word.", nameof(word)),
        };
        return word.All(char.IsUpper) ? flipped.ToUpperInvariant()
            : char.IsUpper(word[0]) ? char.ToUpperInvariant(flipped[0]) + flipped[1..]
            : flipped;
    }

    /// <summary>Decimal places of a number literal (0 for an integer).</summary>
    public static int Decimals(string number)
    {
        var dot = number.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? 0 : number.Length - dot - 1;
    }

    /// <summary>Parses a number token.</summary>
    public static double Value(string number) => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.])")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"(?<![\w-])(?:yes|no|true|false|on|off)(?![\w-])", RegexOptions.IgnoreCase)]
    private static partial Regex OptionPattern();
}
