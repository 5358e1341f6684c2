using System.Globalization;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// How the memory of a whole eval (every process in it together) is bounded on this host. With a
/// delegated cgroup v2 (a writable cgroup whose <c>cgroup.subtree_control</c> enables the memory
/// and pids controllers) each run gets its own child cgroup with <c>memory.max</c> and
/// <c>pids.max</c>; without one, the bound is the rlimit product: address space per process
/// (RLIMIT_AS) times the number of processes (RLIMIT_NPROC), plus the two tmpfs quotas.
/// </summary>
public sealed class EvalMemoryBound
{
    private EvalMemoryBound(string? cgroupParent, string reason)
    {
        CgroupParent = cgroupParent;
        Reason = reason;
    }

    /// <summary>The cgroup under which each run gets a child cgroup; null when the rlimit product applies.</summary>
    public string? CgroupParent { get; }

    /// <summary>Why this bound applies (what was found, or what was missing).</summary>
    public string Reason { get; }

    /// <summary>True when each run is held by a cgroup's <c>memory.max</c>.</summary>
    public bool UsesCgroup => CgroupParent is not null;

    /// <summary>The rlimit product: no cgroup.</summary>
    public static EvalMemoryBound Rlimits(string reason) => new(null, reason);

    /// <summary>
    /// Finds the cgroup to use: <paramref name="configured"/> when set, else the silo's own cgroup
    /// (from <paramref name="selfCgroupFile"/>) under the cgroup v2 mount (<paramref name="cgroupFs"/>,
    /// or its <c>unified/</c> folder on a hybrid host). A candidate qualifies when its subtree_control
    /// enables memory and pids and a child cgroup can be created in it.
    /// </summary>
    public static EvalMemoryBound Detect(string? configured, string cgroupFs = "/sys/fs/cgroup", string selfCgroupFile = "/proc/self/cgroup")
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured)) { candidates.Add(configured); }
        else if (File.Exists(selfCgroupFile))
        {
            var own = File.ReadLines(selfCgroupFile).FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..].TrimStart('/');
            if (own is not null)
            {
                candidates.Add(Path.Combine(cgroupFs, own));
                candidates.Add(Path.Combine(cgroupFs, "unified", own));
            }
        }
        var missing = new List<string>();
        foreach (var candidate in candidates)
        {
            if (Check(candidate) is { } problem) { missing.Add($"{candidate}: {problem}"); }
            else { return new(candidate, $"cgroup v2 at {candidate} (memory and pids controllers delegated)"); }
        }
        return Rlimits(missing.Count == 0 ? "no cgroup v2 found" : string.Join("; ", missing));
    }

    /// <summary>One line for the start-up log saying which bound applies to an eval with <paramref name="limits"/>.</summary>
    public string Describe(SandboxLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var tmpfs = Mib(limits.TmpBytes + limits.WorkBytes);
        return UsesCgroup
            ? $"whole-eval limits: a cgroup v2 per run (memory.max = the eval's memory, pids.max = {limits.Processes}, tmpfs pages included) under {CgroupParent}"
            : string.Create(CultureInfo.InvariantCulture,
                $"whole-eval limits: no cgroup v2 with memory and pids ({Reason}); the bound is RLIMIT_AS × RLIMIT_NPROC + tmpfs quotas = {limits.Processes} × {Mib(limits.MemoryBytes)} MiB + {tmpfs} MiB = {Mib(limits.MemoryBytes * limits.Processes) + tmpfs} MiB at the default limits (an eval's memory × {limits.Processes} + {tmpfs} MiB in general)");
    }

    private static long Mib(long bytes) => bytes >> 20;

    private static string? Check(string directory)
    {
        var control = Path.Combine(directory, "cgroup.subtree_control");
        if (!File.Exists(control)) { return "no cgroup.subtree_control"; }
        var enabled = File.ReadAllText(control).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!enabled.Contains("memory") || !enabled.Contains("pids")) { return $"subtree_control enables '{string.Join(' ', enabled)}', not memory and pids"; }
        var probe = Path.Combine(directory, "l402-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot create a child cgroup ({e.Message})";
        }
    }
}
