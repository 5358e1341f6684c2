using System.Text.RegularExpressions;

namespace L402Train.Bounties.Diffs;

/// <summary>
/// Something a sponsor forbids on any added line: a plain substring, or a regular expression when
/// written <c>re:…</c>. Regexes run on the non-backtracking engine, so a sponsor's pattern cannot
/// make validation slow whatever the diff holds.
/// </summary>
public sealed class ForbiddenPattern
{
    private const string RegexPrefix = "re:";
    private readonly Regex? regex;

    /// <summary>Parses a pattern; throws <see cref="ArgumentException"/> for an empty one or an invalid regex.</summary>
    public ForbiddenPattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Pattern = pattern;
        if (pattern.StartsWith(RegexPrefix, StringComparison.Ordinal))
        {
            try
            {
                regex = new Regex(pattern[RegexPrefix.Length..], RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            }
            catch (NotSupportedException e)
            {
                throw new ArgumentException($"forbidden pattern '{pattern}' uses a construct the linear-time engine lacks (backreferences, lookarounds): {e.Message}", nameof(pattern), e);
            }
        }
    }

    /// <summary>The pattern as the sponsor wrote it.</summary>
    public string Pattern { get; }

    /// <summary>True when <paramref name="line"/> holds the substring or matches the regex.</summary>
    public bool Matches(string line) => regex?.IsMatch(line) ?? line.Contains(Pattern, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Pattern;
}
