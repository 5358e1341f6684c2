using System.Text;

namespace L402Train.Bounties.Diffs;

/// <summary>
/// A bounty's rules for submitted diffs: which files may change, how large the diff may be and
/// what added lines may not contain. <see cref="Check"/> parses and screens a diff;
/// <see cref="CheckAndApply"/> also applies it to a working copy.
/// </summary>
public sealed class DiffPolicy
{
    /// <summary>Creates a policy; globs and patterns are compiled now so a bad one fails at bounty creation.</summary>
    public DiffPolicy(IEnumerable<string> targetGlobs, long maxBytes, IEnumerable<string>? forbiddenPatterns = null)
    {
        ArgumentNullException.ThrowIfNull(targetGlobs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        TargetGlobs = targetGlobs.Select(g => new TargetGlob(g)).ToList();
        if (TargetGlobs.Count == 0) { throw new ArgumentException("a bounty needs at least one target glob.", nameof(targetGlobs)); }
        MaxBytes = maxBytes;
        ForbiddenPatterns = (forbiddenPatterns ?? []).Select(p => new ForbiddenPattern(p)).ToList();
    }

    /// <summary>The files a diff may touch.</summary>
    public IReadOnlyList<TargetGlob> TargetGlobs { get; }

    /// <summary>The largest diff accepted, in UTF-8 bytes.</summary>
    public long MaxBytes { get; }

    /// <summary>Patterns no added line may match.</summary>
    public IReadOnlyList<ForbiddenPattern> ForbiddenPatterns { get; }

    /// <summary>
    /// The eval files (<see cref="EvalFiles.Find"/>) of the tree diffs apply to: a diff touching one is
    /// refused unless a target glob lists it explicitly.
    /// </summary>
    public IReadOnlyList<string> EvalFilePaths { get; init; } = [];

    /// <summary>True when a relative path matches a target glob.</summary>
    public bool IsTarget(string path) => TargetGlobs.Any(g => g.Matches(path));

    /// <summary>Parses and screens a diff: size, syntax, paths, targets, forbidden patterns.</summary>
    public (UnifiedDiff? Diff, DiffRejection? Rejection) Check(string diffText)
    {
        ArgumentNullException.ThrowIfNull(diffText);
        // Measure before parsing so an enormous submission costs nothing more than its length.
        var size = Encoding.UTF8.GetByteCount(diffText);
        if (size > MaxBytes)
        {
            return (null, new DiffRejection(DiffRejectionReason.Oversize, $"the diff is {size} bytes; this bounty accepts at most {MaxBytes}"));
        }
        var (diff, rejection) = UnifiedDiffParser.Parse(diffText);
        if (diff is null) { return (null, rejection); }

        foreach (var file in diff.Files)
        {
            foreach (var path in new[] { file.OldPath, file.NewPath }.OfType<string>())
            {
                if (!IsTarget(path))
                {
                    return (null, new DiffRejection(DiffRejectionReason.NonTargetFile,
                        $"'{path}' ({file.Kind.ToString().ToLowerInvariant()}) is not a target file; targets: {string.Join(", ", TargetGlobs)}"));
                }
                if (EvalFiles.IsProtected(path, EvalFilePaths, TargetGlobs.Select(g => g.ToString())))
                {
                    return (null, new DiffRejection(DiffRejectionReason.NonTargetFile,
                        $"'{path}' is an eval file (named by the eval command, or the public set): it decides the score, and the sponsor did not list it as a target"));
                }
            }
        }
        foreach (var line in diff.AddedLines)
        {
            if (ForbiddenPatterns.FirstOrDefault(p => p.Matches(line)) is { } hit)
            {
                return (null, new DiffRejection(DiffRejectionReason.ForbiddenPattern, $"an added line matches the forbidden pattern '{hit}'"));
            }
        }
        return (diff, null);
    }

    /// <summary>Screens a diff and applies it to <paramref name="workingCopy"/>; null when applied, else why not (nothing is written then).</summary>
    public DiffRejection? CheckAndApply(string diffText, string workingCopy)
    {
        var (diff, rejection) = Check(diffText);
        return diff is null ? rejection : DiffApplier.Apply(diff, workingCopy);
    }
}
