using System.Diagnostics;
using System.Globalization;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;

namespace L402Train.Bench.Bounties;

/// <summary>
/// What the evaluation defences cost on one honest submission. "Bare" is the least any validator
/// must do to score it: the eval command once on the public set and once on the held-out set, on
/// the host, in a folder that already holds the candidate. "Defended" is what the validator does:
/// <see cref="SubmissionEvaluator"/> screens the diff (targets, eval-file protection, paths, size),
/// applies it to a fresh working copy per run, runs both sets in bubblewrap with the limits and
/// checks each score against the range. Both are timed alternately, p50 of each; the shipped sets
/// (400 messages) and the same eval on sets 50 times larger show how the fixed cost amortises.
/// </summary>
internal static class SandboxDefenceOverhead
{
    private const int Rounds = 15;

    public static async Task RunAsync()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the bounty sandbox needs Linux.");
        var time = TimeProvider.System;
        // Bare and defended runs share one CPU (children inherit the mask), so neither borrows a second core the other lacks.
        var process = Process.GetCurrentProcess();
        process.ProcessorAffinity = 1;
        Console.WriteLine($"pinned_cpu_mask=0x{process.ProcessorAffinity:x}");
        Console.WriteLine($"pinned_process_threads={process.Threads.Count}");
        var root = Directory.CreateTempSubdirectory("l402-defence-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        try
        {
            var sandbox = new BubblewrapSandbox(new SandboxOptions { ScratchRoot = root }, time);
            await sandbox.EnsureAvailableAsync();
            if (OperatingSystem.IsLinux()) await DefenceProfile.RunAsync(ShippedBounty.Generate(42), Path.Combine(root, "profile"), sandbox, root, time);
            foreach (var (suffix, count) in new[] { ("", 400), ("_2k", 2_000), ("_5k", 5_000), ("_20k", 20_000) })
            {
                var bounty = SecretHeldOut.Redraw(ShippedBounty.Generate(42, count, count), count, secretSeed: 7);
                var (bare, defended) = await MeasureAsync(bounty, sandbox, Path.Combine(root, "set" + count), time);
                Print($"eval_bare_ms{suffix}", bare);
                Print($"eval_defended_ms{suffix}", defended);
                Print($"defence_overhead_ms{suffix}", defended - bare);
                Print($"defence_overhead_pct{suffix}", 100 * (defended - bare) / bare);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(double Bare, double Defended)> MeasureAsync(GeneratedBounty bounty, BubblewrapSandbox sandbox, string dir, TimeProvider time)
    {
        var (baseline, heldOut) = ShippedBounty.WriteTo(bounty, dir);
        var config = bounty.Baseline[ShippedBounty.ConfigPath];
        // An honest edit: the greeting weight's sign fixed and urgency weighed down.
        var improved = config.Replace("weight_greeting = 0.5", "weight_greeting = -1.0", StringComparison.Ordinal)
            .Replace("weight_urgent = 1.0", "weight_urgent = 0.5", StringComparison.Ordinal);
        var diff = UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, config, improved);
        var candidate = Path.Combine(dir, "candidate");
        BountyArchive.WriteFiles(candidate, new Dictionary<string, string>(bounty.Baseline) { [ShippedBounty.ConfigPath] = improved });
        var task = ShippedBounty.Task;
        var plan = new EvaluationPlan(baseline, Path.Combine(baseline, ShippedBounty.PublicDirectory), heldOut, task.EvalCommand,
            new DiffPolicy(task.TargetGlobs, task.MaxDiffBytes, task.ForbiddenPatterns), SandboxLimits.Default, Repeats: 1, ScoreRange.DefaultFor(task.Metric));
        var evaluator = new SubmissionEvaluator(sandbox, Path.GetDirectoryName(dir)!);
        var bare = new List<double>();
        var defended = new List<double>();
        for (var i = 0; i < Rounds; i++)
        {
            var started = time.GetTimestamp();
            await RunOnHostAsync(candidate, Path.Combine(baseline, ShippedBounty.PublicDirectory));
            await RunOnHostAsync(candidate, heldOut);
            bare.Add(time.GetElapsedTime(started).TotalMilliseconds);

            started = time.GetTimestamp();
            var evaluation = await evaluator.EvaluateAsync(plan, diff);
            defended.Add(time.GetElapsedTime(started).TotalMilliseconds);
            if (!evaluation.Complete) throw new InvalidOperationException($"the honest diff did not evaluate: {evaluation.Rejection?.Message}");
        }
        return (Median(bare), Median(defended));
    }

    private static async Task RunOnHostAsync(string folder, string data)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = folder };
        info.ArgumentList.Add("eval.sh");
        info.Environment["L402_EVAL_DATA"] = data;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        // The shipped eval's last line is a metrics object (score and canary counts), read as the sandbox reads it.
        if (process.ExitCode != 0 || !EvalScore.TryParse(output, out _, out _))
            throw new InvalidOperationException($"the bare eval failed ({process.ExitCode}): {output}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void Print(string name, double value) => Console.WriteLine($"{name}={value.ToString("0.##", CultureInfo.InvariantCulture)}");
}
