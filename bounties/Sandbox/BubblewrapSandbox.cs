using System.ComponentModel;
using System.Diagnostics;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// Runs bounty eval commands under bubblewrap: no network (fresh network namespace), a read-only
/// system, the working copy as the only writable tree besides a small private /tmp, the evaluation
/// set mounted read-only for the run that needs it, rlimits on CPU, memory, processes and file
/// size, a wall-clock timeout that kills the whole sandbox, and capped output. Its own PID
/// namespace and an empty environment (bubblewrap itself starts with only
/// <see cref="BubblewrapCommandLine.LaunchEnvironment"/>) keep the silo's settings out of reach; the
/// working copy is a size-limited tmpfs; the whole eval's memory is bounded as
/// <see cref="MemoryBound"/> says. Evaluation sets are copied once per set and shared read-only by the runs
/// (<see cref="StagedDataSets"/>); dispose the sandbox to delete those copies.
/// </summary>
public sealed class BubblewrapSandbox : IDisposable
{
    /// <summary>Where the working copy appears inside the sandbox.</summary>
    public const string WorkDirectory = "/work";

    /// <summary>Where the evaluation set appears inside the sandbox.</summary>
    public const string DataDirectory = "/data";

    private readonly SandboxOptions options;
    private readonly TimeProvider time;
    private readonly Lazy<EvalMemoryBound> memoryBound;
    private readonly Lazy<SandboxUser?> user;
    private readonly StagedDataSets? dataSets;

    /// <summary>Creates a sandbox runner; call <see cref="EnsureAvailableAsync"/> once at start-up.</summary>
    public BubblewrapSandbox(SandboxOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        this.options = options;
        this.time = time;
        memoryBound = new Lazy<EvalMemoryBound>(() => EvalMemoryBound.Detect(options.CgroupParent));
        user = new Lazy<SandboxUser?>(() => OperatingSystem.IsLinux() && DropsRoot ? SandboxUser.Resolve(options.UnprivilegedId) : null);
        dataSets = OperatingSystem.IsLinux() ? new StagedDataSets(options.ScratchRoot) : null;
    }

    /// <summary>Deletes the staged copies of the evaluation sets.</summary>
    public void Dispose()
    {
        if (OperatingSystem.IsLinux()) { dataSets?.Dispose(); }
    }

    /// <summary>How the whole eval's memory is bounded on this host (a cgroup v2 per run, or the rlimit product).</summary>
    public EvalMemoryBound MemoryBound => memoryBound.Value;

    /// <summary>True when evaluations drop from root to <see cref="SandboxOptions.UnprivilegedId"/>.</summary>
    public static bool DropsRoot => Environment.IsPrivilegedProcess;

    /// <summary>
    /// Checks that the tools exist and that a trivial eval runs and scores; throws
    /// <see cref="SandboxUnavailableException"/> naming what is missing. A validator calls this
    /// at start-up and refuses to start when it throws.
    /// </summary>
    public async Task EnsureAvailableAsync(CancellationToken cancellationToken = default)
    {
        EnsureInstalled();
        using var copy = WorkingCopy.CreateEmpty(options.ScratchRoot);
        var probe = new SandboxRequest(copy, "echo 1", null,
            SandboxLimits.Default with { WallClock = TimeSpan.FromSeconds(20) });
        var result = await RunAsync(probe, cancellationToken);
        if (result.Score != 1)
        {
            throw new SandboxUnavailableException(
                $"bubblewrap at '{options.BubblewrapPath}' is installed but a trivial sandboxed eval failed " +
                $"(exit {result.ExitCode}): {result.Stderr.Trim()}. The host must allow unprivileged user namespaces " +
                "(kernel.unprivileged_userns_clone=1, or a container started with user namespaces allowed).");
        }
    }

    /// <summary>Checks that bubblewrap and its companion tools exist; throws <see cref="SandboxUnavailableException"/> when not.</summary>
    public void EnsureInstalled()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new SandboxUnavailableException("Bounty evaluation needs Linux (bubblewrap and namespaces); this validator cannot start here.");
        }
        Require(options.BubblewrapPath, "bubblewrap", "apt-get install bubblewrap", nameof(SandboxOptions.BubblewrapPath));
        Require(options.PrlimitPath, "prlimit", "apt-get install util-linux", nameof(SandboxOptions.PrlimitPath));
        Require(options.ShellPath, "a POSIX shell", "install dash or bash", nameof(SandboxOptions.ShellPath));
        if (DropsRoot) { Require(options.SetprivPath, "setpriv", "apt-get install util-linux", nameof(SandboxOptions.SetprivPath)); }
    }

    private static void Require(string path, string what, string install, string setting)
    {
        if (!File.Exists(path))
        {
            throw new SandboxUnavailableException(
                $"{what} was not found at '{path}': a validator will not evaluate bounty submissions without the sandbox. " +
                $"Install it ({install}) or set Sandbox:{setting} to its path.");
        }
    }

    /// <summary>Runs one eval and reports its score, exit, limits hit and output.</summary>
    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Limits.Validate();
        if (!OperatingSystem.IsLinux()) { throw new SandboxUnavailableException("Bounty evaluation needs Linux (bubblewrap and namespaces)."); }
        var dropRoot = DropsRoot;
        using var run = RunDirectory.Create(dataSets!, request, dropRoot);
        using var cgroup = MemoryBound.CgroupParent is { } parent ? EvalCgroup.Create(parent, request.Limits) : null;
        var (fileName, arguments, userName) = BubblewrapCommandLine.Build(options, user.Value, request.WorkingCopy.Path, run.DataCopy, request, cgroup?.Procs);

        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Root dropped by the launch: groups, gid and uid are set in the child between fork and exec.
        if (userName is not null) { info.UserName = userName; }
        foreach (var argument in arguments) { info.ArgumentList.Add(argument); }
        // bubblewrap's own process is PID 1 inside the sandbox and its environment is readable there
        // as /proc/1/environ: start it with nothing of the silo's environment.
        info.Environment.Clear();
        foreach (var (name, value) in BubblewrapCommandLine.LaunchEnvironment) { info.Environment[name] = value; }

        var stdout = new CappedOutput(request.Limits.OutputBytes);
        var stderr = new CappedOutput(request.Limits.OutputBytes);
        var started = time.GetTimestamp();
        using var process = StartProcess(info);
        process.StandardInput.Close();
        var drains = Task.WhenAll(stdout.DrainAsync(process.StandardOutput.BaseStream), stderr.DrainAsync(process.StandardError.BaseStream));

        var timedOut = false;
        using (var deadline = new CancellationTokenSource(request.Limits.WallClock, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken))
        {
            try
            {
                await process.WaitForExitAsync(linked.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = deadline.IsCancellationRequested;
                KillSandbox(process);
                await process.WaitForExitAsync(CancellationToken.None);
                await drains;
                if (!timedOut) { throw; }
            }
        }
        await drains;
        var wall = time.GetElapsedTime(started);

        var exitCode = process.ExitCode;
        var limit = timedOut ? SandboxLimit.WallClock
            : cgroup?.OomKilled() == true ? SandboxLimit.Memory
            : SandboxLimitClassifier.Classify(exitCode, stderr.Text);
        double? score = null;
        CanaryCount? canaries = null;
        string? scoreError;
        if (timedOut) { scoreError = $"the eval ran past its wall-clock limit of {request.Limits.WallClock.TotalSeconds:0.###} s"; }
        else if (exitCode != 0) { scoreError = $"the eval exited with code {exitCode}" + (limit == SandboxLimit.None ? "" : $" ({limit} limit)"); }
        else if (EvalScore.TryParse(stdout.End, out var parsed, out canaries, out var error)) { score = parsed; scoreError = null; }
        else { scoreError = error; }

        return new SandboxResult(exitCode, score, scoreError, timedOut, limit,
            stdout.Text, stdout.Truncated, stderr.Text, stderr.Truncated, wall)
        {
            Canaries = canaries,
        };
    }

    private Process StartProcess(ProcessStartInfo info)
    {
        try
        {
            return Process.Start(info) ?? throw new SandboxUnavailableException($"'{info.FileName}' did not start.");
        }
        catch (Win32Exception e)
        {
            throw new SandboxUnavailableException(
                $"could not start the sandbox ('{info.FileName}'): {e.Message}. Check Sandbox:{nameof(SandboxOptions.BubblewrapPath)}.", e);
        }
    }

    private static void KillSandbox(Process process)
    {
        // bubblewrap runs the eval in its own PID namespace with --die-with-parent: killing the tree
        // from the top tears the namespace down, taking every descendant with it.
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the deadline and the kill: nothing left to stop.
        }
    }
}
