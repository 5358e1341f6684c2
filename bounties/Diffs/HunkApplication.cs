namespace L402Train.Bounties.Diffs;

/// <summary>Applies hunks to the lines of one file, strictly: each at its stated line, every context and removed line equal.</summary>
internal static class HunkApplication
{
    public static TextLines Apply(TextLines original, IReadOnlyList<Hunk> hunks, string path)
    {
        var old = original.Lines;
        var result = new List<string>(old.Count);
        var lastHasNewline = false;
        var cursor = 0;

        void Append(string text, bool hasNewline)
        {
            // Only the file's last line may lack its newline.
            if (result.Count > 0 && !lastHasNewline) { throw Fail(path, "a line follows one marked 'No newline at end of file'"); }
            result.Add(text);
            lastHasNewline = hasNewline;
        }

        void CopyOld(int until)
        {
            for (; cursor < until; cursor++) { Append(old[cursor], cursor < old.Count - 1 || original.EndsWithNewline); }
        }

        foreach (var hunk in hunks)
        {
            var start = hunk.OldCount == 0 ? hunk.OldStart : hunk.OldStart - 1;
            if (start < cursor || start > old.Count)
            {
                throw Fail(path, $"the hunk at old line {hunk.OldStart} overlaps the one before or lies past the end ({old.Count} lines)");
            }
            CopyOld(start);
            var expectedNewStart = hunk.NewCount == 0 ? result.Count : result.Count + 1;
            if (hunk.NewStart != expectedNewStart)
            {
                throw DiffRejectedException.Of(DiffRejectionReason.Malformed,
                    $"{path}: the hunk at old line {hunk.OldStart} says new line {hunk.NewStart}, but the hunks before it put it at {expectedNewStart}");
            }
            foreach (var line in hunk.Lines)
            {
                if (line.Kind != HunkLineKind.Added)
                {
                    if (cursor >= old.Count || old[cursor] != line.Text)
                    {
                        throw Fail(path, $"line {cursor + 1} does not match the hunk at old line {hunk.OldStart}");
                    }
                    var lacksNewline = cursor == old.Count - 1 && !original.EndsWithNewline;
                    if (line.NoNewlineAtEnd != lacksNewline)
                    {
                        throw Fail(path, $"line {cursor + 1}: the diff and the file disagree about the newline at the end of the file");
                    }
                    cursor++;
                }
                if (line.Kind != HunkLineKind.Removed) { Append(line.Text, !line.NoNewlineAtEnd); }
            }
        }
        CopyOld(old.Count);
        return new TextLines(result, result.Count > 0 && lastHasNewline);
    }

    private static DiffRejectedException Fail(string path, string message) =>
        DiffRejectedException.Of(DiffRejectionReason.DoesNotApply, $"{path}: {message}");
}
