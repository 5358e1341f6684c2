using System.Text;

namespace L402Train.Bounties.Diffs;

/// <summary>One file's change for <see cref="UnifiedDiffWriter"/>.</summary>
/// <param name="Path">Relative path with '/' separators.</param>
/// <param name="OldText">The text before; null when the file is created.</param>
/// <param name="NewText">The text after; null when the file is deleted.</param>
public sealed record FileChange(string Path, string? OldText, string? NewText);

/// <summary>
/// Writes git-style unified diffs (<c>a/</c> and <c>b/</c> prefixes, three lines of context,
/// "\ No newline at end of file" markers) that <see cref="UnifiedDiffParser"/>, <c>patch -p1</c>
/// and <c>git apply</c> all accept.
/// </summary>
public static class UnifiedDiffWriter
{
    private const string NoNewlineMarker = "\\ No newline at end of file";

    /// <summary>The diff of one file; empty when nothing changed.</summary>
    public static string Write(string path, string? oldText, string? newText, int context = 3) =>
        Write([new FileChange(path, oldText, newText)], context);

    /// <summary>The diff of several files, in order; empty when nothing changed.</summary>
    public static string Write(IEnumerable<FileChange> changes, int context = 3)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentOutOfRangeException.ThrowIfNegative(context);
        var sb = new StringBuilder();
        foreach (var change in changes) { WriteFile(sb, change, context); }
        return sb.ToString();
    }

    private static void WriteFile(StringBuilder sb, FileChange change, int context)
    {
        var path = change.Path;
        if (path.Length == 0 || path.StartsWith('/') || path.StartsWith('"') || path.Split('/').Any(s => s is "" or "." or "..")
            || path.Any(c => char.IsControl(c) || c == '\\'))
        {
            throw new ArgumentException($"'{path}' is not a plain relative path.", nameof(change));
        }
        if (change.OldText is null && change.NewText is null) { throw new ArgumentException("a change needs an old or a new text.", nameof(change)); }
        if (change.OldText == change.NewText) { return; }

        var oldLines = TextLines.Parse(change.OldText ?? "");
        var newLines = TextLines.Parse(change.NewText ?? "");
        sb.Append("diff --git a/").Append(path).Append(" b/").Append(path).Append('\n');
        if (change.OldText is null) { sb.Append("new file mode 100644\n"); }
        if (change.NewText is null) { sb.Append("deleted file mode 100644\n"); }
        var edits = LineDiff.Compute(Tokens(oldLines), Tokens(newLines));
        if (edits.All(e => e.Kind == HunkLineKind.Context)) { return; }
        sb.Append("--- ").Append(change.OldText is null ? DiffPath.DevNull : "a/" + path).Append('\n');
        sb.Append("+++ ").Append(change.NewText is null ? DiffPath.DevNull : "b/" + path).Append('\n');
        WriteHunks(sb, edits, oldLines, newLines, context);
    }

    private static List<LineDiff.Token> Tokens(TextLines text) =>
        text.Lines.Select((line, i) => new LineDiff.Token(line, i == text.Lines.Count - 1 && !text.EndsWithNewline)).ToList();

    private static void WriteHunks(StringBuilder sb, List<LineEdit> edits, TextLines oldLines, TextLines newLines, int context)
    {
        var k = 0;
        while (k < edits.Count)
        {
            if (edits[k].Kind == HunkLineKind.Context) { k++; continue; }
            var start = Math.Max(0, k - context);
            var end = k;
            while (true)
            {
                while (end < edits.Count && edits[end].Kind != HunkLineKind.Context) { end++; }
                var run = 0;
                while (end + run < edits.Count && edits[end + run].Kind == HunkLineKind.Context) { run++; }
                // Changes closer than twice the context share one hunk, as diff -u does.
                if (end + run == edits.Count || run > 2 * context) { break; }
                end += run;
            }
            var stop = Math.Min(edits.Count, end + context);
            WriteHunk(sb, edits, start, stop, oldLines, newLines);
            k = stop;
        }
    }

    private static void WriteHunk(StringBuilder sb, List<LineEdit> edits, int start, int stop, TextLines oldLines, TextLines newLines)
    {
        var span = edits.GetRange(start, stop - start);
        var oldCount = span.Count(e => e.Kind != HunkLineKind.Added);
        var newCount = span.Count(e => e.Kind != HunkLineKind.Removed);
        var oldStart = span[0].OldIndex + (oldCount == 0 ? 0 : 1);
        var newStart = span[0].NewIndex + (newCount == 0 ? 0 : 1);
        sb.Append("@@ -").Append(oldStart).Append(',').Append(oldCount)
          .Append(" +").Append(newStart).Append(',').Append(newCount).Append(" @@\n");
        foreach (var edit in span)
        {
            var (marker, text, lacksNewline) = edit.Kind switch
            {
                HunkLineKind.Context => (' ', oldLines.Lines[edit.OldIndex], IsLastWithoutNewline(oldLines, edit.OldIndex)),
                HunkLineKind.Removed => ('-', oldLines.Lines[edit.OldIndex], IsLastWithoutNewline(oldLines, edit.OldIndex)),
                _ => ('+', newLines.Lines[edit.NewIndex], IsLastWithoutNewline(newLines, edit.NewIndex)),
            };
            sb.Append(marker).Append(text).Append('\n');
            if (lacksNewline) { sb.Append(NoNewlineMarker).Append('\n'); }
        }
    }

    private static bool IsLastWithoutNewline(TextLines text, int index) => index == text.Lines.Count - 1 && !text.EndsWithNewline;
}
