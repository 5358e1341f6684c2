using System.Globalization;
using System.Text.RegularExpressions;

namespace L402Train.Bounties.Diffs;

/// <summary>
/// A strict parser of <c>diff -u</c> and <c>git diff</c> output. Anything it does not understand
/// is refused rather than skipped: stray lines, hunk counts that do not add up, binary patches,
/// mode changes, symlinks and paths that could leave the working copy.
/// </summary>
internal static partial class UnifiedDiffParser
{
    private const string RegularFileMode = "100644";
    private const string SymlinkMode = "120000";
    private const int MaxLineCount = 10_000_000;

    /// <summary>Parses a diff, or returns why it is refused.</summary>
    public static (UnifiedDiff? Diff, DiffRejection? Rejection) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return (ParseOrThrow(text), null);
        }
        catch (DiffRejectedException e)
        {
            return (null, e.Rejection);
        }
    }

    internal static UnifiedDiff ParseOrThrow(string text)
    {
        var reader = new LineReader(text);
        var files = new List<FilePatch>();
        while (!reader.AtEnd)
        {
            var line = reader.Peek;
            if (line.StartsWith("diff --git ", StringComparison.Ordinal)) { files.Add(ParseGitBlock(reader)); }
            else if (line.StartsWith("--- ", StringComparison.Ordinal)) { files.Add(ParsePlainBlock(reader)); }
            else if (line.StartsWith("Binary files ", StringComparison.Ordinal)) { throw Binary(reader.Number); }
            // The command line GNU diff prints between files, and blank separators.
            else if (line.StartsWith("diff ", StringComparison.Ordinal) || line.Length == 0) { reader.Next(); }
            else { throw Malformed(reader.Number, $"unexpected text outside a file patch: \"{Shorten(line)}\""); }
        }
        if (files.Count == 0) { throw Malformed(0, "the diff changes no file"); }
        var duplicate = files.SelectMany(f => new[] { f.OldPath, f.NewPath }.Distinct())
            .Where(p => p is not null).GroupBy(p => p).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) { throw Malformed(0, $"'{duplicate.Key}' is patched more than once"); }
        return new UnifiedDiff(files);
    }

    private static FilePatch ParseGitBlock(LineReader reader)
    {
        var headerNumber = reader.Number;
        var header = reader.Next();
        string? renameFrom = null, renameTo = null, copyFrom = null, copyTo = null;
        bool created = false, deleted = false;
        while (!reader.AtEnd)
        {
            var line = reader.Peek.TrimEnd('\r');
            var number = reader.Number;
            if (line.StartsWith("old mode ", StringComparison.Ordinal) || line.StartsWith("new mode ", StringComparison.Ordinal))
            {
                throw ModeOf(line[9..]) == SymlinkMode
                    ? Symlink(number)
                    : DiffRejectedException.Of(DiffRejectionReason.ModeChange, $"line {number}: file mode change ({line})");
            }
            else if (line.StartsWith("new file mode ", StringComparison.Ordinal))
            {
                var mode = ModeOf(line[14..]);
                if (mode == SymlinkMode) { throw Symlink(number); }
                if (mode != RegularFileMode) { throw DiffRejectedException.Of(DiffRejectionReason.ModeChange, $"line {number}: new file with mode {mode}; only {RegularFileMode} is allowed"); }
                created = true;
            }
            else if (line.StartsWith("deleted file mode ", StringComparison.Ordinal))
            {
                if (ModeOf(line[18..]) == SymlinkMode) { throw Symlink(number); }
                deleted = true;
            }
            else if (line.StartsWith("index ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length == 3 && ModeOf(parts[2]) == SymlinkMode) { throw Symlink(number); }
            }
            else if (line.StartsWith("rename from ", StringComparison.Ordinal)) { renameFrom = DiffPath.Bare(line[12..], number); }
            else if (line.StartsWith("rename to ", StringComparison.Ordinal)) { renameTo = DiffPath.Bare(line[10..], number); }
            else if (line.StartsWith("copy from ", StringComparison.Ordinal)) { copyFrom = DiffPath.Bare(line[10..], number); }
            else if (line.StartsWith("copy to ", StringComparison.Ordinal)) { copyTo = DiffPath.Bare(line[8..], number); }
            else if (line.StartsWith("similarity index ", StringComparison.Ordinal) || line.StartsWith("dissimilarity index ", StringComparison.Ordinal)) { }
            else if (line == "GIT binary patch" || line.StartsWith("Binary files ", StringComparison.Ordinal)) { throw Binary(number); }
            else { break; }
            reader.Next();
        }

        string? oldPath, newPath;
        IReadOnlyList<Hunk> hunks = [];
        if (!reader.AtEnd && reader.Peek.StartsWith("--- ", StringComparison.Ordinal))
        {
            (oldPath, newPath, hunks) = ParseHeadersAndHunks(reader);
        }
        else
        {
            // No content: a pure rename or copy, or an empty file created or deleted.
            var (a, b) = GitHeaderPaths(header, headerNumber);
            oldPath = renameFrom ?? copyFrom ?? (created ? null : a);
            newPath = renameTo ?? copyTo ?? (deleted ? null : b);
        }

        if ((renameFrom ?? copyFrom) is { } from && from != oldPath) { throw Malformed(headerNumber, $"'{from}' does not match the old path '{oldPath}'"); }
        if ((renameTo ?? copyTo) is { } to && to != newPath) { throw Malformed(headerNumber, $"'{to}' does not match the new path '{newPath}'"); }
        if (created && oldPath is not null) { throw Malformed(headerNumber, "a new file must have /dev/null as its old side"); }
        if (deleted && newPath is not null) { throw Malformed(headerNumber, "a deleted file must have /dev/null as its new side"); }

        var kind = renameFrom is not null ? FilePatchKind.Rename
            : copyFrom is not null ? FilePatchKind.Copy
            : KindOf(oldPath, newPath, headerNumber);
        return new FilePatch(kind, oldPath, newPath, hunks);
    }

    private static FilePatch ParsePlainBlock(LineReader reader)
    {
        var number = reader.Number;
        var (oldPath, newPath, hunks) = ParseHeadersAndHunks(reader);
        return new FilePatch(KindOf(oldPath, newPath, number), oldPath, newPath, hunks);
    }

    private static FilePatchKind KindOf(string? oldPath, string? newPath, int number) => (oldPath, newPath) switch
    {
        (null, null) => throw Malformed(number, "both sides are /dev/null"),
        (null, _) => FilePatchKind.Create,
        (_, null) => FilePatchKind.Delete,
        _ when oldPath == newPath => FilePatchKind.Modify,
        _ => FilePatchKind.Rename,
    };

    private static (string? Old, string? New, IReadOnlyList<Hunk> Hunks) ParseHeadersAndHunks(LineReader reader)
    {
        var oldNumber = reader.Number;
        var oldPath = DiffPath.FromHeader(reader.Next()[4..], oldNumber);
        if (reader.AtEnd || !reader.Peek.StartsWith("+++ ", StringComparison.Ordinal)) { throw Malformed(oldNumber + 1, "'---' is not followed by '+++'"); }
        var newPath = DiffPath.FromHeader(reader.Next()[4..], oldNumber + 1);
        var hunks = new List<Hunk>();
        while (!reader.AtEnd && reader.Peek.StartsWith("@@", StringComparison.Ordinal)) { hunks.Add(ParseHunk(reader)); }
        if (hunks.Count == 0) { throw Malformed(oldNumber, "a '---'/'+++' pair without hunks"); }
        return (oldPath, newPath, hunks);
    }

    private static Hunk ParseHunk(LineReader reader)
    {
        var number = reader.Number;
        var match = HunkHeader().Match(reader.Next().TrimEnd('\r'));
        if (!match.Success) { throw Malformed(number, "bad hunk header; expected '@@ -a,b +c,d @@'"); }
        var oldStart = Count(match.Groups[1].Value, number);
        var oldCount = match.Groups[2].Success ? Count(match.Groups[2].Value, number) : 1;
        var newStart = Count(match.Groups[3].Value, number);
        var newCount = match.Groups[4].Success ? Count(match.Groups[4].Value, number) : 1;
        if ((oldStart == 0 && oldCount != 0) || (newStart == 0 && newCount != 0)) { throw Malformed(number, "a hunk starting at line 0 must be empty on that side"); }

        var lines = new List<HunkLine>();
        int oldSeen = 0, newSeen = 0;
        while (oldSeen < oldCount || newSeen < newCount)
        {
            if (reader.AtEnd) { throw Malformed(reader.Number, $"hunk at line {number} ends early: {oldSeen}/{oldCount} old and {newSeen}/{newCount} new lines"); }
            var lineNumber = reader.Number;
            var line = reader.Next();
            HunkLine parsed = line.Length == 0 ? new(HunkLineKind.Context, "") : line[0] switch
            {
                ' ' => new(HunkLineKind.Context, line[1..]),
                '-' => new(HunkLineKind.Removed, line[1..]),
                '+' => new(HunkLineKind.Added, line[1..]),
                '\\' when lines.Count > 0 => NoNewline(lines, lineNumber),
                _ => throw Malformed(lineNumber, $"unexpected line in hunk: \"{Shorten(line)}\""),
            };
            if (line.Length > 0 && line[0] == '\\')
            {
                lines[^1] = parsed;
                continue;
            }
            if (parsed.Kind != HunkLineKind.Added) { oldSeen++; }
            if (parsed.Kind != HunkLineKind.Removed) { newSeen++; }
            if (oldSeen > oldCount || newSeen > newCount) { throw Malformed(lineNumber, $"hunk at line {number} has more lines than its header counts"); }
            lines.Add(parsed);
        }
        // A marker may follow the hunk's last line.
        if (!reader.AtEnd && reader.Peek.StartsWith('\\') && lines.Count > 0) { lines[^1] = NoNewline(lines, reader.Number); reader.Next(); }
        return new Hunk(oldStart, oldCount, newStart, newCount, lines);
    }

    private static HunkLine NoNewline(List<HunkLine> lines, int lineNumber)
    {
        if (lines[^1].NoNewlineAtEnd) { throw Malformed(lineNumber, "two 'No newline' markers in a row"); }
        return lines[^1] with { NoNewlineAtEnd = true };
    }

    private static int Count(string digits, int number) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= MaxLineCount
            ? value
            : throw Malformed(number, $"line number '{digits}' out of range");

    /// <summary>Splits "diff --git a/X b/Y" when no ---/+++ lines name the paths.</summary>
    private static (string A, string B) GitHeaderPaths(string header, int number)
    {
        var rest = header["diff --git ".Length..].TrimEnd('\r');
        // With identical names the split is unambiguous even when a name holds " b/".
        var half = (rest.Length - 1) / 2;
        if (rest.Length % 2 == 1 && rest[half] == ' ' && rest[..half][2..] == rest[(half + 1)..][2..])
        {
            return (DiffPath.FromHeader(rest[..half], number)!, DiffPath.FromHeader(rest[(half + 1)..], number)!);
        }
        var split = rest.IndexOf(" b/", StringComparison.Ordinal);
        if (split < 0 || rest.IndexOf(" b/", split + 1, StringComparison.Ordinal) >= 0) { throw Malformed(number, "cannot read the paths of the 'diff --git' line"); }
        return (DiffPath.FromHeader(rest[..split], number)!, DiffPath.FromHeader(rest[(split + 1)..], number)!);
    }

    private static string ModeOf(string text) => text.Trim();

    private static DiffRejectedException Malformed(int number, string message) =>
        DiffRejectedException.Of(DiffRejectionReason.Malformed, number > 0 ? $"line {number}: {message}" : message);

    private static DiffRejectedException Binary(int number) =>
        DiffRejectedException.Of(DiffRejectionReason.BinaryPatch, $"line {number}: binary patches are not accepted");

    private static DiffRejectedException Symlink(int number) =>
        DiffRejectedException.Of(DiffRejectionReason.Symlink, $"line {number}: symlinks (mode {SymlinkMode}) are not accepted");

    private static string Shorten(string line) => line.Length <= 60 ? line : line[..60] + "…";

    [GeneratedRegex(@"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(?: .*)?$")]
    private static partial Regex HunkHeader();

    /// <summary>Lines of the diff with 1-based numbers for messages; a final newline ends the last line.</summary>
    private sealed class LineReader(string text)
    {
        private readonly string[] lines = text.Length == 0 ? [] : (text.EndsWith('\n') ? text[..^1] : text).Split('\n');
        private int index;

        public bool AtEnd => index >= lines.Length;

        public string Peek => lines[index];

        public int Number => index + 1;

        public string Next() => lines[index++];
    }
}
