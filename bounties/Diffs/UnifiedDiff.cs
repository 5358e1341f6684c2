namespace L402Train.Bounties.Diffs;

/// <summary>A parsed unified diff: one patch per file, paths relative to the working copy (as <c>patch -p1</c> sees them).</summary>
/// <param name="Files">The file patches, in the order they appear.</param>
public sealed record UnifiedDiff(IReadOnlyList<FilePatch> Files)
{
    /// <summary>Every line added anywhere in the diff.</summary>
    public IEnumerable<string> AddedLines =>
        Files.SelectMany(f => f.Hunks).SelectMany(h => h.Lines).Where(l => l.Kind == HunkLineKind.Added).Select(l => l.Text);
}

/// <summary>How a file patch changes its file.</summary>
public enum FilePatchKind
{
    /// <summary>Changes an existing file in place.</summary>
    Modify,

    /// <summary>Creates a file that does not exist (old side <c>/dev/null</c>).</summary>
    Create,

    /// <summary>Deletes a file (new side <c>/dev/null</c>); its hunks must remove every line.</summary>
    Delete,

    /// <summary>Moves a file to a new path, applying the hunks on the way.</summary>
    Rename,

    /// <summary>Copies a file to a new path, applying the hunks to the copy.</summary>
    Copy,
}

/// <summary>The change to one file.</summary>
/// <param name="Kind">Modify, create, delete, rename or copy.</param>
/// <param name="OldPath">The path before (null for a creation).</param>
/// <param name="NewPath">The path after (null for a deletion).</param>
/// <param name="Hunks">The hunks, in file order.</param>
public sealed record FilePatch(FilePatchKind Kind, string? OldPath, string? NewPath, IReadOnlyList<Hunk> Hunks)
{
    /// <summary>The path the patch is about: the new one, or the old one for a deletion.</summary>
    public string Path => NewPath ?? OldPath!;
}

/// <summary>One hunk: <c>@@ -OldStart,OldCount +NewStart,NewCount @@</c> and its lines.</summary>
/// <param name="OldStart">First old line (1-based), or the line after which to insert when <paramref name="OldCount"/> is 0.</param>
/// <param name="OldCount">Context plus removed lines.</param>
/// <param name="NewStart">First new line (1-based), or the line after which the hunk sits when <paramref name="NewCount"/> is 0.</param>
/// <param name="NewCount">Context plus added lines.</param>
/// <param name="Lines">The lines.</param>
public sealed record Hunk(int OldStart, int OldCount, int NewStart, int NewCount, IReadOnlyList<HunkLine> Lines);

/// <summary>The kind of a hunk line.</summary>
public enum HunkLineKind
{
    /// <summary>Unchanged (leading space).</summary>
    Context,

    /// <summary>Removed (leading minus).</summary>
    Removed,

    /// <summary>Added (leading plus).</summary>
    Added,
}

/// <summary>A hunk line without its leading marker.</summary>
/// <param name="Kind">Context, removed or added.</param>
/// <param name="Text">The line's text, without the newline.</param>
/// <param name="NoNewlineAtEnd">True when "\ No newline at end of file" follows: the line ends its file(s) without a newline.</param>
public readonly record struct HunkLine(HunkLineKind Kind, string Text, bool NoNewlineAtEnd = false);
