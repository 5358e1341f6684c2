namespace L402Train.Bounties.Diffs;

/// <summary>
/// The files that decide a score: those the eval command names (its scripts and data files, as
/// they lie in the baseline) and the public set. A diff may change one only when the sponsor lists
/// it explicitly as a target (its exact path, or a glob under a named folder): a wildcard that
/// happens to match it is not enough, because changing them changes the scoring, not the solution.
/// </summary>
public static class EvalFiles
{
    /// <summary>The public evaluation set's folder, always an eval file.</summary>
    public const string PublicSet = "public";

    private static readonly char[] Separators = [' ', '\t', '\n', '\r', ';', '|', '&', '<', '>', '(', ')', '`', '"', '\''];

    /// <summary>Relative paths in <paramref name="tree"/> (files or folders) that <paramref name="evalCommand"/> names, and the public set.</summary>
    public static IReadOnlyList<string> Find(string evalCommand, string tree)
    {
        ArgumentNullException.ThrowIfNull(evalCommand);
        ArgumentNullException.ThrowIfNull(tree);
        var root = Path.GetFullPath(tree);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var words = evalCommand.Split(Separators, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Contains('=', StringComparison.Ordinal) ? w[(w.IndexOf('=', StringComparison.Ordinal) + 1)..] : w)
            .Append(PublicSet);
        foreach (var word in words)
        {
            var path = Normalize(word);
            if (path is null) { continue; }
            var full = Path.GetFullPath(Path.Combine(root, path));
            if (!full.StartsWith(root + "/", StringComparison.Ordinal)) { continue; }
            if (File.Exists(full) || Directory.Exists(full)) { found.Add(path); }
        }
        return [.. found];
    }

    /// <summary>The eval files that <paramref name="targetGlobs"/> list explicitly, so that diffs may change them.</summary>
    public static IReadOnlyList<string> ListedAsTargets(IEnumerable<string> evalFiles, IEnumerable<string> targetGlobs)
    {
        ArgumentNullException.ThrowIfNull(evalFiles);
        ArgumentNullException.ThrowIfNull(targetGlobs);
        var globs = targetGlobs.Select(g => Normalize(g) ?? g).ToList();
        return [.. evalFiles.Where(f => IsListed(f, globs))];
    }

    /// <summary>True when <paramref name="path"/> is or lies under an eval file that no target glob lists explicitly.</summary>
    public static bool IsProtected(string path, IEnumerable<string> evalFiles, IEnumerable<string> targetGlobs)
    {
        ArgumentNullException.ThrowIfNull(path);
        var globs = targetGlobs.Select(g => Normalize(g) ?? g).ToList();
        return evalFiles.Any(f => (path == f || path.StartsWith(f + "/", StringComparison.Ordinal)) && !IsListed(f, globs));
    }

    // Explicit: the exact path, or (for a folder) a glob that starts with the folder's own path.
    private static bool IsListed(string evalFile, IReadOnlyList<string> globs) =>
        globs.Any(g => g == evalFile || g.StartsWith(evalFile + "/", StringComparison.Ordinal));

    private static string? Normalize(string word)
    {
        var path = word.Trim();
        while (path.StartsWith("./", StringComparison.Ordinal)) { path = path[2..]; }
        path = path.TrimEnd('/');
        if (path.Length == 0 || path.StartsWith('-') || path.StartsWith('/') || path.Contains('$', StringComparison.Ordinal)
            || path.Split('/').Any(s => s is ".." or "." or "")) { return null; }
        return path;
    }
}
