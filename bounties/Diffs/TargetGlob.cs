using System.Text;
using System.Text.RegularExpressions;

namespace L402Train.Bounties.Diffs;

/// <summary>
/// A file glob over relative paths: <c>*</c> matches within one segment, <c>?</c> one character
/// of a segment, <c>**</c> any number of whole segments (<c>src/**/*.conf</c>, <c>**/x</c>, <c>dir/**</c>).
/// Everything else is literal.
/// </summary>
public sealed class TargetGlob
{
    private readonly Regex regex;

    /// <summary>Compiles a glob; throws <see cref="ArgumentException"/> for an empty or absolute one.</summary>
    public TargetGlob(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (pattern.StartsWith('/')) { throw new ArgumentException($"target glob '{pattern}' must be relative to the bounty's tree.", nameof(pattern)); }
        Pattern = pattern;
        regex = new Regex(ToRegex(pattern), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    /// <summary>The glob as written.</summary>
    public string Pattern { get; }

    /// <summary>True when <paramref name="path"/> (relative, '/'-separated) matches.</summary>
    public bool Matches(string path) => regex.IsMatch(path);

    /// <inheritdoc />
    public override string ToString() => Pattern;

    private static string ToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var atStart = i == 0 || glob[i - 1] == '/';
                var slashAfter = i + 2 < glob.Length && glob[i + 2] == '/';
                var atEnd = i + 2 == glob.Length;
                if (atStart && slashAfter) { sb.Append("(?:[^/]+/)*"); i += 2; }
                else if (atStart && atEnd) { sb.Append(".*"); i += 1; }
                else { sb.Append("[^/]*"); i += 1; }
            }
            else if (c == '*') { sb.Append("[^/]*"); }
            else if (c == '?') { sb.Append("[^/]"); }
            else { sb.Append(Regex.Escape(c.ToString())); }
        }
        return sb.Append('$').ToString();
    }
}
