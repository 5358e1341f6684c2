using System.Text;

namespace L402Train.L402.Challenges;

/// <summary>
/// Splits a <c>WWW-Authenticate</c> value into challenges (RFC 7235 shape, read leniently): a
/// bare token starts a new challenge (the scheme), <c>name=value</c> or <c>name="value"</c>
/// adds a parameter to the current one. Commas and spaces separate items.
/// </summary>
internal static class AuthenticateHeaderTokenizer
{
    public static List<(string Scheme, Dictionary<string, string> Parameters)> Split(string header)
    {
        var challenges = new List<(string, Dictionary<string, string>)>();
        Dictionary<string, string>? current = null;
        var i = 0;
        while (i < header.Length)
        {
            while (i < header.Length && (header[i] is ',' or ' ' or '\t')) i++;
            if (i >= header.Length) break;
            var start = i;
            while (i < header.Length && header[i] is not (' ' or '\t' or ',' or '=')) i++;
            var token = header[start..i];
            var j = i;
            while (j < header.Length && header[j] is ' ' or '\t') j++;
            if (j < header.Length && header[j] == '=' && token.Length > 0)
            {
                i = j + 1;
                while (i < header.Length && header[i] is ' ' or '\t') i++;
                var value = ReadValue(header, ref i);
                current?.TryAdd(token.ToLowerInvariant(), value);
            }
            else if (token.Length > 0)
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                challenges.Add((token, current));
            }
            else
            {
                i++; // a stray '=' with no name: skip it
            }
        }
        return challenges;
    }

    private static string ReadValue(string header, ref int i)
    {
        if (i < header.Length && header[i] == '"')
        {
            var value = new StringBuilder();
            i++;
            while (i < header.Length && header[i] != '"')
            {
                if (header[i] == '\\' && i + 1 < header.Length) i++;
                value.Append(header[i++]);
            }
            i++; // closing quote (or end)
            return value.ToString();
        }
        var start = i;
        while (i < header.Length && header[i] is not (',' or ' ' or '\t')) i++;
        return header[start..i];
    }
}
