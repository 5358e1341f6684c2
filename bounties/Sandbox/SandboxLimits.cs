namespace L402Train.Bounties.Sandbox;

/// <summary>
/// Resource limits for one evaluation inside the sandbox. CPU time, address space, processes and
/// file size are kernel rlimits set inside the sandbox; the wall clock and the output caps are
/// enforced by the host.
/// </summary>
/// <param name="CpuTime">CPU seconds (rounded up to whole seconds): SIGXCPU at the limit, SIGKILL one second later.</param>
/// <param name="MemoryBytes">Address space (RLIMIT_AS) of every process in the sandbox.</param>
/// <param name="Processes">Processes and threads the sandbox user may run at once (RLIMIT_NPROC).</param>
/// <param name="FileSizeBytes">Largest file any process may write (RLIMIT_FSIZE).</param>
/// <param name="WallClock">Time after which the whole sandbox is killed.</param>
/// <param name="OutputBytes">Bytes of stdout and of stderr kept each; the rest is read and discarded.</param>
/// <param name="TmpBytes">Size of the private /tmp (a tmpfs).</param>
public sealed record SandboxLimits(
    TimeSpan CpuTime,
    long MemoryBytes,
    int Processes,
    long FileSizeBytes,
    TimeSpan WallClock,
    int OutputBytes,
    long TmpBytes)
{
    /// <summary>Limits that suit a small scripted eval: 10 s CPU, 512 MiB, 64 processes, 16 MiB files, 30 s wall, 64 KiB output.</summary>
    public static SandboxLimits Default { get; } = new(
        CpuTime: TimeSpan.FromSeconds(10),
        MemoryBytes: 512L << 20,
        Processes: 64,
        FileSizeBytes: 16L << 20,
        WallClock: TimeSpan.FromSeconds(30),
        OutputBytes: 64 << 10,
        TmpBytes: 64L << 20);

    /// <summary>
    /// Size of the writable working copy (a tmpfs at <see cref="BubblewrapSandbox.WorkDirectory"/> the
    /// prepared copy is copied into): the copy itself plus everything the eval writes must fit.
    /// </summary>
    public long WorkBytes { get; init; } = 256L << 20;

    /// <summary>Throws when a limit is not positive, naming it.</summary>
    public void Validate()
    {
        if (CpuTime <= TimeSpan.Zero) { throw new ArgumentOutOfRangeException(nameof(CpuTime), CpuTime, "CPU time must be positive."); }
        if (MemoryBytes <= 0) { throw new ArgumentOutOfRangeException(nameof(MemoryBytes), MemoryBytes, "Memory must be positive."); }
        if (Processes <= 0) { throw new ArgumentOutOfRangeException(nameof(Processes), Processes, "Processes must be positive."); }
        if (FileSizeBytes <= 0) { throw new ArgumentOutOfRangeException(nameof(FileSizeBytes), FileSizeBytes, "File size must be positive."); }
        if (WallClock <= TimeSpan.Zero) { throw new ArgumentOutOfRangeException(nameof(WallClock), WallClock, "Wall clock must be positive."); }
        if (OutputBytes <= 0) { throw new ArgumentOutOfRangeException(nameof(OutputBytes), OutputBytes, "Output cap must be positive."); }
        if (TmpBytes <= 0) { throw new ArgumentOutOfRangeException(nameof(TmpBytes), TmpBytes, "Tmp size must be positive."); }
        if (WorkBytes <= 0) { throw new ArgumentOutOfRangeException(nameof(WorkBytes), WorkBytes, "Working copy size must be positive."); }
    }
}
