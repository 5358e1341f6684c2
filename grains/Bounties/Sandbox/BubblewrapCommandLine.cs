using System.Globalization;
using System.Text.RegularExpressions;

namespace L402Train.Grains.Bounties.Sandbox;

/// <summary>Builds the argument vector: [setpriv …] bwrap … prlimit … /bin/sh -c command.</summary>
internal static partial class BubblewrapCommandLine
{
    public static (string FileName, List<string> Arguments) Build(
        SandboxOptions options, bool dropRoot, string workingCopy, string? dataCopy, SandboxRequest request)
    {
        var limits = request.Limits;
        var args = new List<string>();
        string fileName;
        if (dropRoot)
        {
            // The kernel never applies RLIMIT_NPROC to uid 0, so a fork bomb is only contained when
            // the sandbox runs as an ordinary uid; bubblewrap then builds its user namespace unprivileged.
            var id = options.UnprivilegedId.ToString(CultureInfo.InvariantCulture);
            fileName = options.SetprivPath;
            args.AddRange(["--reuid", id, "--regid", id, "--clear-groups", "--", options.BubblewrapPath]);
        }
        else
        {
            fileName = options.BubblewrapPath;
        }

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
        args.AddRange(["--bind", workingCopy, BubblewrapSandbox.WorkDirectory]);
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
            options.ShellPath, "-c", request.Command,
        ]);
        return (fileName, args);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();
}
