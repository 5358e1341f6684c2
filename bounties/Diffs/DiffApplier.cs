using System.Text;

namespace L402Train.Bounties.Diffs;

/// <summary>
/// Applies a parsed diff to a working copy exactly: every hunk must match at its stated line (no
/// offset, no fuzz). All files are computed first; only when every hunk applies is anything
/// written, each file atomically (temp file in the same directory, then rename), and never
/// outside the working copy or through a symlink.
/// </summary>
internal static class DiffApplier
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Applies <paramref name="diff"/> under <paramref name="workingCopy"/>; null when applied, else why not.</summary>
    public static DiffRejection? Apply(UnifiedDiff diff, string workingCopy)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(workingCopy);
        var root = Path.GetFullPath(workingCopy).TrimEnd('/');
        try
        {
            var writes = new List<(string Path, string? Content)>();
            foreach (var file in diff.Files) { writes.AddRange(Plan(file, root)); }
            CheckFileSystemFits(root, writes);
            foreach (var (path, content) in writes)
            {
                if (content is null) { File.Delete(path); }
                else { WriteAtomically(root, path, content); }
            }
            return null;
        }
        catch (DiffRejectedException e)
        {
            return e.Rejection;
        }
        catch (PathTooLongException)
        {
            // The checks above keep every path within the limits; this covers a working copy nested unusually deep.
            return new DiffRejection(DiffRejectionReason.Malformed, "a path of the diff is too long for the file system");
        }
    }

    /// <summary>
    /// Refuses, before anything is written, what the file system cannot do: a path named twice, and
    /// a file where a folder is needed (<c>sub/x</c> with <c>sub/x/y</c>, or inside a file of the working copy).
    /// </summary>
    private static void CheckFileSystemFits(string root, List<(string Path, string? Content)> writes)
    {
        var planned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, _) in writes)
        {
            if (!planned.Add(path)) { throw NotApplying($"'{Path.GetRelativePath(root, path)}' is named more than once in the diff"); }
        }
        foreach (var (path, content) in writes)
        {
            if (content is null) { continue; }
            for (var parent = Path.GetDirectoryName(path); parent is not null && parent.Length > root.Length; parent = Path.GetDirectoryName(parent))
            {
                if (planned.Contains(parent) || File.Exists(parent))
                {
                    throw NotApplying($"'{Path.GetRelativePath(root, path)}' needs '{Path.GetRelativePath(root, parent)}' to be a folder, but it is a file");
                }
            }
        }
    }

    /// <summary>The new text of a file after the hunks, for callers that patch in memory (the improver).</summary>
    public static string ApplyHunks(string original, IReadOnlyList<Hunk> hunks, string path) =>
        HunkApplication.Apply(TextLines.Parse(original), hunks, path).ToString();

    private static IEnumerable<(string Path, string? Content)> Plan(FilePatch file, string root)
    {
        var oldFull = file.OldPath is null ? null : Resolve(root, file.OldPath);
        var newFull = file.NewPath is null ? null : Resolve(root, file.NewPath);
        var original = TextLines.Empty;
        if (oldFull is not null)
        {
            if (!File.Exists(oldFull)) { throw NotApplying($"'{file.OldPath}' does not exist in the working copy"); }
            original = Read(oldFull, file.OldPath!);
        }
        if (newFull is not null && newFull != oldFull && (File.Exists(newFull) || Directory.Exists(newFull)))
        {
            throw NotApplying($"'{file.NewPath}' already exists in the working copy");
        }

        var result = HunkApplication.Apply(original, file.Hunks, file.Path);
        switch (file.Kind)
        {
            case FilePatchKind.Delete:
                if (result.Lines.Count > 0) { throw NotApplying($"deleting '{file.OldPath}' must remove all of its lines"); }
                yield return (oldFull!, null);
                break;
            case FilePatchKind.Rename:
                yield return (newFull!, result.ToString());
                yield return (oldFull!, null);
                break;
            default:
                yield return (newFull!, result.ToString());
                break;
        }
    }

    /// <summary>The absolute path of a relative one, refused when it leaves the root or passes through a symlink.</summary>
    private static string Resolve(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!full.StartsWith(root + "/", StringComparison.Ordinal))
        {
            throw DiffRejectedException.Of(DiffRejectionReason.PathTraversal, $"'{relative}' resolves outside the working copy");
        }
        var current = root;
        foreach (var segment in relative.Split('/'))
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                throw DiffRejectedException.Of(DiffRejectionReason.Symlink, $"'{relative}' passes through a symlink in the working copy");
            }
        }
        return full;
    }

    private static TextLines Read(string full, string relative)
    {
        try
        {
            return TextLines.Parse(StrictUtf8.GetString(File.ReadAllBytes(full)));
        }
        catch (DecoderFallbackException)
        {
            throw NotApplying($"'{relative}' is not UTF-8 text");
        }
    }

    private static void WriteAtomically(string root, string full, string content)
    {
        var directory = Path.GetDirectoryName(full)!;
        // Re-check right before writing: the parent chain must still be plain directories inside the root.
        Resolve(root, Path.GetRelativePath(root, full));
        Directory.CreateDirectory(directory);
        // A short temp name: one derived from the file's name would exceed NAME_MAX for a long (valid) name.
        var temp = Path.Combine(directory, $".l402-{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, StrictUtf8.GetBytes(content));
        File.Move(temp, full, overwrite: true);
    }

    private static DiffRejectedException NotApplying(string message) => DiffRejectedException.Of(DiffRejectionReason.DoesNotApply, message);
}
