using System.Globalization;
using System.Text.RegularExpressions;

namespace L402Train.Bounties.Sandbox;

/// <summary>Builds the argument vector: [sh cgroup wrapper] [setpriv …] bwrap … prlimit … /bin/sh -c copy-in and command.</summary>
internal static partial class BubblewrapCommandLine
{
    /// <summary>Where the prepared working copy is mounted read-only, to be copied into the size-limited /work.</summary>
    public const string SourceDirectory = "/source";

    /// <summary>The only environment bubblewrap itself is started with (it is visible as /proc/1/environ inside).</summary>
    public static IReadOnlyDictionary<string, string> LaunchEnvironment { get; } =
        new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["LC_ALL"] = "C" };

    // Copies the working copy into the quota-limited tmpfs, then runs the eval command ($1). A copy
    // that does not fit fails the eval with the tmpfs's "No space left on device".
    private const string CopyInThenRun = "cp -R -p " + SourceDirectory + "/. " + BubblewrapSandbox.WorkDirectory + "/ || exit 125; exec /bin/sh -c \"$1\"";

    public static (string FileName, List<string> Arguments) Build(
        SandboxOptions options, bool dropRoot, string workingCopy, string? dataCopy, SandboxRequest request, string? cgroupProcs = null)
    {
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
            var id = options.UnprivilegedId.ToString(CultureInfo.InvariantCulture);
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
            options.ShellPath, "-c", CopyInThenRun, "sh", request.Command,
        ]);
        return (fileName, args);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();
}
