namespace L402Train.Bounties.Sandbox;

/// <summary>Where the sandbox finds its tools and what of the host system it exposes.</summary>
public sealed class SandboxOptions
{
    /// <summary>The bubblewrap executable.</summary>
    public string BubblewrapPath { get; set; } = "/usr/bin/bwrap";

    /// <summary>util-linux <c>prlimit</c>, run inside the sandbox to set the rlimits; must lie under a system path.</summary>
    public string PrlimitPath { get; set; } = "/usr/bin/prlimit";

    /// <summary>util-linux <c>setpriv</c>, used to drop root before bubblewrap (the kernel exempts root from RLIMIT_NPROC).</summary>
    public string SetprivPath { get; set; } = "/usr/bin/setpriv";

    /// <summary>The host uid and gid evaluations run as when the validator itself runs as root.</summary>
    public int UnprivilegedId { get; set; } = 65534;

    /// <summary>The shell that runs the eval command inside the sandbox.</summary>
    public string ShellPath { get; set; } = "/bin/sh";

    /// <summary>Host directory for working copies and per-run data copies; must be traversable by the sandbox user.</summary>
    public string ScratchRoot { get; set; } = Path.GetTempPath();

    /// <summary>
    /// A delegated cgroup v2 directory (its subtree_control enabling memory and pids) under which each
    /// eval gets its own cgroup; null looks at the silo's own cgroup. Without one the whole-eval
    /// memory bound is the rlimit product (see <see cref="EvalMemoryBound"/>).
    /// </summary>
    public string? CgroupParent { get; set; }

    /// <summary>
    /// Host paths mounted read-only at the same place when they exist. A path that is a symlink on
    /// the host (merged /usr: /bin → usr/bin) is recreated as the same symlink.
    /// </summary>
    public IList<string> SystemPaths { get; } =
    [
        "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
        "/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
    ];
}
