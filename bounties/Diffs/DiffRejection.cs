namespace L402Train.Bounties.Diffs;

/// <summary>Why a submitted diff was refused.</summary>
public enum DiffRejectionReason
{
    /// <summary>A path with a <c>..</c> segment.</summary>
    PathTraversal,

    /// <summary>An absolute path.</summary>
    AbsolutePath,

    /// <summary>A symlink (git mode 120000), or a path through a symlink in the working copy.</summary>
    Symlink,

    /// <summary>A file (created, changed, deleted, renamed or copied) that no target glob matches.</summary>
    NonTargetFile,

    /// <summary>A binary patch or a "Binary files … differ" line.</summary>
    BinaryPatch,

    /// <summary>A change of file mode, or a new file with a mode other than 100644.</summary>
    ModeChange,

    /// <summary>The diff is larger than the bounty allows.</summary>
    Oversize,

    /// <summary>An added line matches one of the sponsor's forbidden patterns.</summary>
    ForbiddenPattern,

    /// <summary>The text is not a well-formed unified diff (bad header, counts that do not match, stray lines).</summary>
    Malformed,

    /// <summary>A hunk does not match the working copy exactly at its stated position.</summary>
    DoesNotApply,
}

/// <summary>A refused diff: a machine-readable reason and a message for the submitter.</summary>
/// <param name="Reason">The reason.</param>
/// <param name="Message">What was wrong and where, in words.</param>
public sealed record DiffRejection(DiffRejectionReason Reason, string Message)
{
    /// <summary>The reason as a stable snake_case code (<c>path_traversal</c>, <c>does_not_apply</c>, …).</summary>
    public string Code => CodeOf(Reason);

    /// <summary>The snake_case code of a reason.</summary>
    public static string CodeOf(DiffRejectionReason reason) => reason switch
    {
        DiffRejectionReason.PathTraversal => "path_traversal",
        DiffRejectionReason.AbsolutePath => "absolute_path",
        DiffRejectionReason.Symlink => "symlink",
        DiffRejectionReason.NonTargetFile => "non_target_file",
        DiffRejectionReason.BinaryPatch => "binary_patch",
        DiffRejectionReason.ModeChange => "mode_change",
        DiffRejectionReason.Oversize => "oversize",
        DiffRejectionReason.ForbiddenPattern => "forbidden_pattern",
        DiffRejectionReason.Malformed => "malformed",
        DiffRejectionReason.DoesNotApply => "does_not_apply",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>Thrown inside the parser and applier to stop at the first problem; the public API returns the rejection instead.</summary>
internal sealed class DiffRejectedException(DiffRejection rejection) : Exception(rejection.ToString())
{
    public DiffRejection Rejection { get; } = rejection;

    public static DiffRejectedException Of(DiffRejectionReason reason, string message) => new(new DiffRejection(reason, message));
}
