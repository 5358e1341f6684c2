namespace L402Train.Bounties.Sandbox;

/// <summary>Which limit stopped an evaluation, as far as the host can tell.</summary>
public enum SandboxLimit
{
    /// <summary>No limit was hit.</summary>
    None,

    /// <summary>The wall-clock timeout fired and the host killed the sandbox.</summary>
    WallClock,

    /// <summary>The CPU-time rlimit fired (SIGXCPU, or SIGKILL at the hard limit).</summary>
    CpuTime,

    /// <summary>An allocation failed under the address-space rlimit (reported by the program on stderr).</summary>
    Memory,

    /// <summary>A fork failed under the process rlimit (reported by the program on stderr).</summary>
    Processes,

    /// <summary>A write went past the file-size rlimit (SIGXFSZ).</summary>
    FileSize,

    /// <summary>A write did not fit the working copy's or /tmp's size quota (ENOSPC).</summary>
    DiskSpace,
}

/// <summary>The outcome of one sandboxed evaluation.</summary>
/// <param name="ExitCode">The eval's exit status; 128 + n when it died of signal n.</param>
/// <param name="Score">The last non-empty stdout line as a number, when the eval exited 0 and that line parses.</param>
/// <param name="ScoreError">Why there is no score, when there is none.</param>
/// <param name="TimedOut">True when the wall clock ran out.</param>
/// <param name="LimitHit">The limit that stopped the eval, if any.</param>
/// <param name="Stdout">Stdout, up to the output cap.</param>
/// <param name="StdoutTruncated">True when stdout went past the cap.</param>
/// <param name="Stderr">Stderr, up to the output cap.</param>
/// <param name="StderrTruncated">True when stderr went past the cap.</param>
/// <param name="WallTime">How long the sandbox ran, start to exit.</param>
public sealed record SandboxResult(
    int ExitCode,
    double? Score,
    string? ScoreError,
    bool TimedOut,
    SandboxLimit LimitHit,
    string Stdout,
    bool StdoutTruncated,
    string Stderr,
    bool StderrTruncated,
    TimeSpan WallTime)
{
    /// <summary>True when the eval finished normally and produced a score.</summary>
    public bool Succeeded => Score is not null;

    /// <summary>The canary counts the eval reported in its metrics object (<see cref="EvalScore"/>); null when it reported none.</summary>
    public CanaryCount? Canaries { get; init; }
}
