using System.Text;

namespace L402Train.Bounties.Diffs;

/// <summary>
/// Reads a path from a diff header the way <c>patch -p1</c> does (the first component, <c>a/</c>
/// or <c>b/</c>, is dropped) and refuses anything that could leave the working copy.
/// </summary>
internal static class DiffPath
{
    public const string DevNull = "/dev/null";

    /// <summary>The longest file or folder name Linux file systems hold (NAME_MAX), in UTF-8 bytes.</summary>
    public const int MaxComponentBytes = 255;

    /// <summary>The longest relative path accepted, in UTF-8 bytes: well under PATH_MAX (4096) once under a working copy.</summary>
    public const int MaxPathBytes = 1024;

    /// <summary>Reads the path of a <c>---</c> or <c>+++</c> line: up to a tab (timestamps of <c>diff -u</c>); null for /dev/null.</summary>
    public static string? FromHeader(string token, int lineNumber)
    {
        var tab = token.IndexOf('\t', StringComparison.Ordinal);
        var raw = (tab >= 0 ? token[..tab] : token).TrimEnd('\r');
        if (raw == DevNull) { return null; }
        return StripPrefix(Unquote(raw, lineNumber), lineNumber);
    }

    /// <summary>Reads a path given without the a/ b/ prefix (git's <c>rename from</c>, <c>copy to</c>…).</summary>
    public static string Bare(string raw, int lineNumber) => Validate(Unquote(raw.TrimEnd('\r'), lineNumber), lineNumber);

    private static string StripPrefix(string raw, int lineNumber)
    {
        CheckNotEscaping(raw, lineNumber);
        var slash = raw.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw DiffRejectedException.Of(DiffRejectionReason.Malformed,
                $"line {lineNumber}: path '{raw}' has no leading a/ or b/ component; diffs are applied like patch -p1");
        }
        return Validate(raw[(slash + 1)..], lineNumber);
    }

    private static void CheckNotEscaping(string raw, int lineNumber)
    {
        if (raw.StartsWith('/'))
        {
            throw DiffRejectedException.Of(DiffRejectionReason.AbsolutePath, $"line {lineNumber}: absolute path '{raw}'");
        }
        if (raw.Split('/').Contains(".."))
        {
            throw DiffRejectedException.Of(DiffRejectionReason.PathTraversal, $"line {lineNumber}: path '{raw}' climbs out with '..'");
        }
    }

    private static string Validate(string path, int lineNumber)
    {
        CheckNotEscaping(path, lineNumber);
        if (path.Length == 0 || path.Any(c => char.IsControl(c) || c == '\\'))
        {
            throw DiffRejectedException.Of(DiffRejectionReason.Malformed, $"line {lineNumber}: path '{path}' is empty or holds control characters or backslashes");
        }
        if (path.Split('/').Any(segment => segment is "" or "."))
        {
            throw DiffRejectedException.Of(DiffRejectionReason.Malformed, $"line {lineNumber}: path '{path}' has an empty or '.' segment");
        }
        // Limits of the file system, checked here so that writing never fails on them (a throw would kill the validation job).
        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            throw DiffRejectedException.Of(DiffRejectionReason.Malformed, $"line {lineNumber}: a path is longer than {MaxPathBytes} bytes");
        }
        if (path.Split('/').FirstOrDefault(segment => Encoding.UTF8.GetByteCount(segment) > MaxComponentBytes) is { } longName)
        {
            throw DiffRejectedException.Of(DiffRejectionReason.Malformed,
                $"line {lineNumber}: the name '{longName[..40]}…' is longer than {MaxComponentBytes} bytes, the most a file system holds");
        }
        return path;
    }

    /// <summary>Undoes git's C-style quoting ("a/na\303\257ve.txt") of unusual names.</summary>
    private static string Unquote(string raw, int lineNumber)
    {
        if (!raw.StartsWith('"')) { return raw; }
        if (raw.Length < 2 || !raw.EndsWith('"')) { throw Bad(); }
        var bytes = new List<byte>();
        for (var i = 1; i < raw.Length - 1; i++)
        {
            var c = raw[i];
            if (c != '\\')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }
            if (++i >= raw.Length - 1) { throw Bad(); }
            var e = raw[i];
            if (e is >= '0' and <= '3' && i + 2 < raw.Length - 1 && raw[i + 1] is >= '0' and <= '7' && raw[i + 2] is >= '0' and <= '7')
            {
                bytes.Add((byte)(((e - '0') << 6) | ((raw[i + 1] - '0') << 3) | (raw[i + 2] - '0')));
                i += 2;
                continue;
            }
            bytes.Add(e switch
            {
                'n' => (byte)'\n',
                't' => (byte)'\t',
                '"' => (byte)'"',
                '\\' => (byte)'\\',
                'a' => 7,
                'b' => 8,
                'f' => 12,
                'r' => 13,
                'v' => 11,
                _ => throw Bad(),
            });
        }
        return Encoding.UTF8.GetString([.. bytes]);

        DiffRejectedException Bad() => DiffRejectedException.Of(DiffRejectionReason.Malformed, $"line {lineNumber}: badly quoted path {raw}");
    }
}
