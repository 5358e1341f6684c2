using System.Globalization;
using System.Text.RegularExpressions;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// Builds the launch: [sh cgroup wrapper] [setpriv …] bwrap … prlimit … /bin/sh -c "copy-in; command". Every process
/// in the chain costs an exec and its dynamic linking (about 0.5–1 ms of CPU each), which is most of the sandbox's
/// fixed cost on a short eval, so the chain holds only what isolation needs: root is dropped by the launch itself
/// when it can be (<see cref="SandboxUser"/>), and one shell copies the working copy in and runs the command.
/// </summary>
internal static partial class BubblewrapCommandLine
{
    /// <summary>Where the prepared working copy is mounted read-only, to be copied into the size-limited /work.</summary>
    public const string SourceDirectory = "/source";

    /// <summary>The only environment bubblewrap itself is started with (it is visible as /proc/1/environ inside).</summary>
    public static IReadOnlyDictionary<string, string> LaunchEnvironment { get; } =
        new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["LC_ALL"] = "C" };

    // Copies the working copy into the quota-limited tmpfs; the eval command follows on the next line, run by
    // the same shell (no second shell to exec). A copy that does not fit fails the eval with the tmpfs's
    // "No space left on device" and exit 125, before any of the command runs.
    private const string CopyIn = "cp -R -p " + SourceDirectory + "/. " + BubblewrapSandbox.WorkDirectory + "/ || exit 125";

    /// <summary>The script the sandbox's shell runs: the copy-in, then the eval command.</summary>
    public static string Script(string command) => CopyIn + "\n" + command;

    /// <summary>
    /// The launch of one run. <paramref name="user"/> is null when the validator is not root; otherwise root is
    /// dropped to it by the launch itself (the returned UserName) when it allows that and no cgroup wrapper must run
    /// as root first, else by <c>setpriv</c>.
    /// </summary>
    public static (string FileName, List<string> Arguments, string? UserName) Build(
        SandboxOptions options, SandboxUser? user, string workingCopy, string? dataCopy, SandboxRequest request, string? cgroupProcs = null)
    {
        // The cgroup wrapper must write its pid into the root-owned cgroup.procs before root is dropped.
        var userName = cgroupProcs is null ? user?.UserName : null;
        var dropRoot = user is not null && userName is null;
        var limits = request.Limits;
        var args = new List<string>();
        string fileName;
        if (cgroupProcs is not null)
        {
            // The wrapper moves itself into the run's cgroup before exec'ing the sandbox, so every
            // process of the eval is born inside it.
            fileName = options.ShellPath;
            args.AddRange(["-c", "echo $$ > \"$0\" && exec \"$@\"", cgroupProcs]);
            args.Add(dropRoot ? options.SetprivPath : options.BubblewrapPath);
        }
        else
        {
            fileName = dropRoot ? options.SetprivPath : options.BubblewrapPath;
        }
        if (dropRoot)
        {
            // The kernel never applies RLIMIT_NPROC to uid 0, so a fork bomb is only contained when
            // the sandbox runs as an ordinary uid; bubblewrap then builds its user namespace unprivileged.
            var id = user!.Id.ToString(CultureInfo.InvariantCulture);
            args.AddRange(["--reuid", id, "--regid", id, "--clear-groups", "--", options.BubblewrapPath]);
        }

        // --unshare-all includes the PID namespace: /proc (mounted fresh below) shows only the sandbox's processes.
        args.AddRange(["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "sandbox"]);
        args.AddRange(["--clearenv", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv", "HOME", BubblewrapSandbox.WorkDirectory,
            "--setenv", "TMPDIR", "/tmp", "--setenv", "LC_ALL", "C"]);
        if (dataCopy is not null) { args.AddRange(["--setenv", "L402_EVAL_DATA", BubblewrapSandbox.DataDirectory]); }
        foreach (var (name, value) in request.Environment ?? new Dictionary<string, string>())
        {
            if (!EnvironmentName().IsMatch(name)) { throw new ArgumentException($"'{name}' is not a valid environment variable name.", nameof(request)); }
            args.AddRange(["--setenv", name, value]);
        }

        foreach (var path in options.SystemPaths)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target) { args.AddRange(["--symlink", target, path]); }
            else if (info.Exists || Directory.Exists(path)) { args.AddRange(["--ro-bind", path, path]); }
        }
        args.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        args.AddRange(["--size", limits.TmpBytes.ToString(CultureInfo.InvariantCulture), "--tmpfs", "/tmp"]);
        // The writable working copy is a tmpfs of WorkBytes, filled from the prepared copy: its size is bounded.
        args.AddRange(["--size", limits.WorkBytes.ToString(CultureInfo.InvariantCulture), "--tmpfs", BubblewrapSandbox.WorkDirectory]);
        args.AddRange(["--ro-bind", workingCopy, SourceDirectory]);
        if (dataCopy is not null) { args.AddRange(["--ro-bind", dataCopy, BubblewrapSandbox.DataDirectory]); }
        // Everything but the working copy and /tmp is read-only, the sandbox's own root included.
        args.AddRange(["--remount-ro", "/", "--chdir", BubblewrapSandbox.WorkDirectory, "--"]);

        var cpu = (long)Math.Ceiling(limits.CpuTime.TotalSeconds);
        args.AddRange([
            options.PrlimitPath,
            $"--cpu={cpu}:{cpu + 1}",
            $"--as={limits.MemoryBytes}",
            $"--nproc={limits.Processes}",
            $"--fsize={limits.FileSizeBytes}",
            "--core=0",
            "--nofile=256",
            "--",
            options.ShellPath, "-c", Script(request.Command), "sh",
        ]);
        return (fileName, args, userName);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();
}
