using System.Diagnostics;
using L402Train.Bounties.Sandbox;

namespace L402Train.Bounties.Improvers;

/// <summary>
/// Scores candidates by running a bounty's eval command on a fresh copy of the baseline with the
/// candidate's target files written in: inside the bubblewrap sandbox when one is given (what a
/// validator does), else directly on this host (an agent evaluating the sponsor's code it chose to trust).
/// </summary>
public sealed class EvalCommandEvaluator
{
    private readonly string baseline;
    private readonly string dataSet;
    private readonly string command;
    private readonly SandboxLimits limits;
    private readonly BubblewrapSandbox? sandbox;
    private readonly string scratchRoot;
    private readonly TimeProvider time;

    /// <summary>Creates an evaluator over a baseline tree and an evaluation set.</summary>
    public EvalCommandEvaluator(
        string baseline, string dataSet, string command, SandboxLimits limits, BubblewrapSandbox? sandbox, string scratchRoot, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        this.time = time;
        this.baseline = baseline;
        this.dataSet = dataSet;
        this.command = command;
        this.limits = limits;
        this.sandbox = sandbox;
        this.scratchRoot = scratchRoot;
    }

    /// <summary>The score of a candidate; null when the eval fails or prints no score.</summary>
    public async Task<double?> ScoreAsync(IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        var result = await RunAsync(files, cancellationToken);
        return result.Score;
    }

    /// <summary>The full result of evaluating a candidate.</summary>
    public async Task<SandboxResult> RunAsync(IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var copy = WorkingCopy.FromBaseline(baseline, scratchRoot);
        foreach (var (path, text) in files)
        {
            var full = Path.GetFullPath(Path.Combine(copy.Path, path));
            if (!full.StartsWith(copy.Path + "/", StringComparison.Ordinal)) { throw new ArgumentException($"'{path}' leaves the working copy.", nameof(files)); }
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, text, cancellationToken);
        }
        if (sandbox is not null)
        {
            return await sandbox.RunAsync(new SandboxRequest(copy, command, dataSet, limits), cancellationToken);
        }
        return await RunOnHostAsync(copy.Path, cancellationToken);
    }

    private async Task<SandboxResult> RunOnHostAsync(string directory, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment["L402_EVAL_DATA"] = Path.GetFullPath(dataSet);
        var started = time.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("/bin/sh did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var wall = new CancellationTokenSource(limits.WallClock, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(wall.Token, cancellationToken);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        var output = await stdout;
        var errors = await stderr;
        double? score = null;
        var error = timedOut ? "timed out" : process.ExitCode != 0 ? $"the eval exited with code {process.ExitCode}" : null;
        if (error is null)
        {
            if (EvalScore.TryParse(output, out var parsed, out var parseError)) { score = parsed; }
            else { error = parseError; }
        }
        return new SandboxResult(process.ExitCode, score, error, timedOut, timedOut ? SandboxLimit.WallClock : SandboxLimit.None,
            output, false, errors, false, time.GetElapsedTime(started));
    }
}
