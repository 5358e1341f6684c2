namespace L402Train.Bounties.Sandbox;

/// <summary>
/// Tells which rlimit stopped an eval. CPU and file size are certain (their signals); memory and
/// processes are read from the messages programs print when an allocation or a fork is refused,
/// so they are best effort: the limits hold either way, only the label may be missing.
/// </summary>
internal static class SandboxLimitClassifier
{
    private const int SignalBase = 128;
    private const int SigXcpu = 24;
    private const int SigXfsz = 25;

    private static readonly string[] MemoryMessages =
        ["MemoryError", "out of memory", "Cannot allocate memory", "std::bad_alloc", "memory exhausted"];

    private static readonly string[] ProcessMessages =
        ["Cannot fork", "can't fork", "fork: Resource temporarily unavailable", "fork failed", "BlockingIOError"];

    public static SandboxLimit Classify(int exitCode, string stderr)
    {
        if (exitCode == SignalBase + SigXcpu) { return SandboxLimit.CpuTime; }
        if (exitCode == SignalBase + SigXfsz || stderr.Contains("File size limit exceeded", StringComparison.Ordinal)) { return SandboxLimit.FileSize; }
        if (exitCode == 0) { return SandboxLimit.None; }
        // SIGKILL that the host did not send comes from the kernel at the hard CPU limit.
        if (exitCode == SignalBase + 9) { return SandboxLimit.CpuTime; }
        if (stderr.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)) { return SandboxLimit.DiskSpace; }
        if (ProcessMessages.Any(m => stderr.Contains(m, StringComparison.OrdinalIgnoreCase))) { return SandboxLimit.Processes; }
        if (MemoryMessages.Any(m => stderr.Contains(m, StringComparison.OrdinalIgnoreCase))) { return SandboxLimit.Memory; }
        return SandboxLimit.None;
    }
}
