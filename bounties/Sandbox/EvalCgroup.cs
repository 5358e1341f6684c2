using System.Globalization;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// One run's cgroup v2: created with <c>memory.max</c> (no swap) and <c>pids.max</c> before the
/// sandbox starts, the sandbox's first process moved in before it forks anything (by the launch
/// wrapper), everything in it killed and the cgroup removed after.
/// </summary>
internal sealed class EvalCgroup : IDisposable
{
    private EvalCgroup(string path) => Path = path;

    /// <summary>The cgroup's directory.</summary>
    public string Path { get; }

    /// <summary>The file the launch wrapper writes its own pid into.</summary>
    public string Procs => System.IO.Path.Combine(Path, "cgroup.procs");

    public static EvalCgroup Create(string parent, SandboxLimits limits)
    {
        SweepStale(parent);
        var path = System.IO.Path.Combine(parent, "l402-eval-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var cgroup = new EvalCgroup(path);
        try
        {
            cgroup.Write("memory.max", limits.MemoryBytes.ToString(CultureInfo.InvariantCulture));
            if (File.Exists(System.IO.Path.Combine(path, "memory.swap.max"))) { cgroup.Write("memory.swap.max", "0"); }
            cgroup.Write("pids.max", limits.Processes.ToString(CultureInfo.InvariantCulture));
            return cgroup;
        }
        catch
        {
            cgroup.Dispose();
            throw;
        }
    }

    /// <summary>True when the kernel's OOM killer killed a process of this run.</summary>
    public bool OomKilled()
    {
        var events = System.IO.Path.Combine(Path, "memory.events");
        if (!File.Exists(events)) { return false; }
        return File.ReadLines(events).Any(l => l.StartsWith("oom_kill ", StringComparison.Ordinal) && l[9..].Trim() != "0");
    }

    // A run's cgroup that was still draining when its run ended is removed by a later run: rmdir
    // fails (EBUSY) for every cgroup that still holds processes, a concurrent run's included.
    private static void SweepStale(string parent)
    {
        foreach (var stale in Directory.EnumerateDirectories(parent, "l402-eval-*")) { TryRemove(stale); }
    }

    private static bool TryRemove(string path)
    {
        try
        {
            Directory.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void Write(string file, string value) => File.WriteAllText(System.IO.Path.Combine(Path, file), value);

    public void Dispose()
    {
        // The PID namespace dies with bubblewrap, but kill what is left anyway before removing the group.
        var kill = System.IO.Path.Combine(Path, "cgroup.kill");
        if (File.Exists(kill)) { File.WriteAllText(kill, "1"); }
        // Processes killed a moment ago may still hold the group; the next run's sweep removes it then.
        if (Directory.Exists(Path)) { _ = TryRemove(Path); }
    }
}
