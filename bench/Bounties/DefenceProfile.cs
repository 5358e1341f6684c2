using System.Diagnostics;
using System.Globalization;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;

namespace L402Train.Bench.Bounties;

/// <summary>
/// Where the defended evaluation's time goes, phase by phase, per run of the shipped eval (medians over
/// <see cref="Rounds"/> rounds): diff screening, the tree copy and diff application, the run's private data
/// copy (cold: first run on the set; warm: a later one), the sandbox's start (a trivial command inside minus outside), and the eval itself on the host and in
/// the sandbox. Each phase is timed on its own with the public and internal pieces <see cref="SubmissionEvaluator"/>
/// and <see cref="BubblewrapSandbox"/> are made of.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class DefenceProfile
{
    private const int Rounds = 15;

    public static async Task RunAsync(GeneratedBounty bounty, string dir, BubblewrapSandbox sandbox, string scratch, TimeProvider time)
    {
        var (baseline, heldOut) = ShippedBounty.WriteTo(bounty, dir);
        var config = bounty.Baseline[ShippedBounty.ConfigPath];
        var diff = UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, config, config.Replace("threshold = 0.5", "threshold = 0.6", StringComparison.Ordinal));
        var task = ShippedBounty.Task;
        var policy = new DiffPolicy(task.TargetGlobs, task.MaxDiffBytes, task.ForbiddenPatterns) { EvalFilePaths = EvalFiles.Find(task.EvalCommand, baseline) };
        var phases = new Dictionary<string, List<double>>();
        void Add(string name, double ms) => (phases.TryGetValue(name, out var list) ? list : phases[name] = []).Add(ms);
        var dropRoot = BubblewrapSandbox.DropsRoot;
        for (var i = 0; i < Rounds; i++)
        {
            var started = time.GetTimestamp();
            var (parsed, _) = policy.Check(diff);
            Add("screening", time.GetElapsedTime(started).TotalMilliseconds);

            started = time.GetTimestamp();
            var copy = WorkingCopy.FromBaseline(baseline, scratch);
            Add("tree_copy", time.GetElapsedTime(started).TotalMilliseconds);
            started = time.GetTimestamp();
            if (DiffApplier.Apply(parsed!, copy.Path) is { } rejection) throw new InvalidOperationException(rejection.Message);
            Add("diff_apply", time.GetElapsedTime(started).TotalMilliseconds);
            started = time.GetTimestamp();
            copy.Dispose();
            Add("tree_delete", time.GetElapsedTime(started).TotalMilliseconds);

            using var candidate = WorkingCopy.FromBaseline(baseline, scratch);
            DiffApplier.Apply(parsed!, candidate.Path);
            var request = new SandboxRequest(candidate, task.EvalCommand, heldOut, SandboxLimits.Default);
            using (var sets = new StagedDataSets(scratch))
            {
                // Cold: the set's first run copies it; warm: every later run only checks that it did not change.
                started = time.GetTimestamp();
                using (RunDirectory.Create(sets, request, dropRoot)) { }
                Add("data_stage_cold", time.GetElapsedTime(started).TotalMilliseconds);
                started = time.GetTimestamp();
                using (RunDirectory.Create(sets, request, dropRoot)) { }
                Add("data_stage_warm", time.GetElapsedTime(started).TotalMilliseconds);
            }

            started = time.GetTimestamp();
            await RunOnHostAsync("true");
            var hostTrivial = time.GetElapsedTime(started).TotalMilliseconds;
            using (var empty = WorkingCopy.CreateEmpty(scratch))
            {
                started = time.GetTimestamp();
                await sandbox.RunAsync(new SandboxRequest(empty, "true", null, SandboxLimits.Default));
                Add("sandbox_start", time.GetElapsedTime(started).TotalMilliseconds - hostTrivial);
            }

            started = time.GetTimestamp();
            await RunOnHostAsync(candidate.Path, heldOut);
            Add("eval_host", time.GetElapsedTime(started).TotalMilliseconds);

            started = time.GetTimestamp();
            var run = await sandbox.RunAsync(request);
            if (!run.Succeeded) throw new InvalidOperationException($"the shipped eval failed in the sandbox: {run.ScoreError}");
            Add("eval_sandboxed", time.GetElapsedTime(started).TotalMilliseconds);
        }
        foreach (var (name, values) in phases) Print($"profile_{name}_ms", Samples.Median(values));
    }

    private static Task RunOnHostAsync(string command) => RunOnHostAsync(["-c", command], null, null);

    private static Task RunOnHostAsync(string folder, string data) => RunOnHostAsync(["eval.sh"], folder, data);

    private static async Task RunOnHostAsync(string[] arguments, string? folder, string? data)
    {
        var info = new ProcessStartInfo("/bin/sh", arguments) { RedirectStandardOutput = true, UseShellExecute = false };
        if (folder is not null) info.WorkingDirectory = folder;
        if (data is not null) info.Environment["L402_EVAL_DATA"] = data;
        using var process = Process.Start(info)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
    }


    private static void Print(string name, double value) => Console.WriteLine($"{name}={value.ToString("0.##", CultureInfo.InvariantCulture)}");
}
