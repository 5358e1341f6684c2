namespace L402Train.Bounties.Diffs;

/// <summary>One step of an edit script between two line lists.</summary>
internal readonly record struct LineEdit(HunkLineKind Kind, int OldIndex, int NewIndex);

/// <summary>
/// A shortest edit script between two line lists by longest common subsequence, after trimming
/// the common prefix and suffix (which is all a typical edit leaves). Past a size bound the
/// middle is replaced wholesale: still a correct diff, just not a minimal one.
/// </summary>
internal static class LineDiff
{
    private const long MaxTableCells = 4_000_000;

    /// <summary>Lines compare with their end-of-file newline state, so "x" and "x\n" differ when last.</summary>
    public readonly record struct Token(string Text, bool NoNewline);

    public static List<LineEdit> Compute(IReadOnlyList<Token> a, IReadOnlyList<Token> b)
    {
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix]) { prefix++; }
        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[a.Count - 1 - suffix] == b[b.Count - 1 - suffix]) { suffix++; }

        var edits = new List<LineEdit>(a.Count + b.Count);
        for (var k = 0; k < prefix; k++) { edits.Add(new(HunkLineKind.Context, k, k)); }
        Middle(a, b, prefix, a.Count - suffix, b.Count - suffix, edits);
        for (var k = suffix; k > 0; k--) { edits.Add(new(HunkLineKind.Context, a.Count - k, b.Count - k)); }
        return edits;
    }

    private static void Middle(IReadOnlyList<Token> a, IReadOnlyList<Token> b, int start, int aEnd, int bEnd, List<LineEdit> edits)
    {
        int n = aEnd - start, m = bEnd - start;
        if ((long)(n + 1) * (m + 1) > MaxTableCells)
        {
            for (var i = 0; i < n; i++) { edits.Add(new(HunkLineKind.Removed, start + i, start)); }
            for (var j = 0; j < m; j++) { edits.Add(new(HunkLineKind.Added, aEnd, start + j)); }
            return;
        }
        // lcs[i, j] = length of the LCS of a[start+i..] and b[start+j..].
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                lcs[i, j] = a[start + i] == b[start + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[start + x] == b[start + y]) { edits.Add(new(HunkLineKind.Context, start + x++, start + y++)); }
            // Removals first on ties, so a replaced block reads "-old" then "+new" as diff -u prints it.
            else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1])) { edits.Add(new(HunkLineKind.Removed, start + x++, start + y)); }
            else { edits.Add(new(HunkLineKind.Added, start + x, start + y++)); }
        }
    }
}
