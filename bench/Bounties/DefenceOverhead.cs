using System.Globalization;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;

namespace L402Train.Bench.Bounties;

/// <summary>
/// What the bounty defences cost in sandboxed eval time, against one submission's validation (one public and one
/// held-out run of the shipped bounty, repeats 1): the activation's noise reruns (3 per set, once per bounty) and the
/// holdback's re-evaluation (2 held-out runs on the fresh slice, once per accepted submission). The canary check and
/// the thresholds read numbers the validation already has: no extra run. Medians over <see cref="Rounds"/> rounds,
/// on the CPU <see cref="QuickFigures"/> pinned the process to.
/// </summary>
internal static class DefenceOverhead
{
    private const int Rounds = 9;

    public static async Task RunAsync()
    {
        if (!OperatingSystem.IsLinux()) { throw new PlatformNotSupportedException("the bounty sandbox needs Linux."); }
        var time = TimeProvider.System;
        var root = Directory.CreateTempSubdirectory("l402-bench-defences-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        try
        {
            var sandbox = new BubblewrapSandbox(new SandboxOptions { ScratchRoot = root }, time);
            var bounty = ShippedBounty.Generate(42);
            var (baseline, heldOut) = ShippedBounty.WriteTo(bounty, root);
            var holdback = Path.Combine(root, "holdback");
            BountyArchive.WriteFiles(holdback, bounty.HoldbackSet);
            var task = ShippedBounty.Task;
            var plan = new EvaluationPlan(baseline, Path.Combine(baseline, ShippedBounty.PublicDirectory), heldOut, task.EvalCommand,
                new DiffPolicy(task.TargetGlobs, task.MaxDiffBytes), SandboxLimits.Default, Repeats: 1, ScoreRange.DefaultFor(task.Metric)) { Seeds = [11, 22, 33] };
            var config = bounty.Baseline[ShippedBounty.ConfigPath];
            var diff = UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, config, config.Replace("threshold = 0.5", "threshold = 0.6", StringComparison.Ordinal));
            var evaluator = new SubmissionEvaluator(sandbox, root);

            var validation = new List<double>();
            var activation = new List<double>();
            var reevaluation = new List<double>();
            for (var round = 0; round < Rounds; round++)
            {
                validation.Add(await TimeAsync(time, () => Complete(evaluator.EvaluateAsync(plan, diff))));
                activation.Add(await TimeAsync(time, () => Complete(evaluator.EvaluateAsync(plan with { Repeats = 3 }, ""))));
                var slice = plan with { HeldOutSet = holdback, HeldOutOnly = true };
                reevaluation.Add(await TimeAsync(time, async () =>
                {
                    await Complete(evaluator.EvaluateAsync(slice, ""));  // the tree the submission created
                    await Complete(evaluator.EvaluateAsync(slice, "")); // the tree it replaced
                }));
            }
            var perValidation = Samples.Median(validation);
            Print("defence_submission_validation_ms", perValidation);
            Print("defence_activation_reruns_ms", Samples.Median(activation));
            Print("defence_activation_reruns_over_one_validation_pct", 100 * Samples.Median(activation) / perValidation);
            Print("defence_holdback_reeval_ms", Samples.Median(reevaluation));
            Print("defence_holdback_reeval_over_one_validation_pct", 100 * Samples.Median(reevaluation) / perValidation);
            Print("defence_canary_and_threshold_extra_runs", 0);
            // A bounty's life: the reruns once, a re-evaluation per accepted submission; here 100 submissions, 5 accepted.
            Print("defence_overhead_pct_100_submissions_5_accepted", 100 * (Samples.Median(activation) + (5 * Samples.Median(reevaluation))) / (100 * perValidation));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task Complete(Task<SubmissionEvaluation> evaluation)
    {
        if (!(await evaluation).Complete) throw new InvalidOperationException("the shipped eval failed in the sandbox.");
    }

    private static async Task<double> TimeAsync(TimeProvider time, Func<Task> run)
    {
        var started = time.GetTimestamp();
        await run();
        return time.GetElapsedTime(started).TotalMilliseconds;
    }

    private static void Print(string name, double value) =>
        Console.WriteLine($"{name}={value.ToString("0.##", CultureInfo.InvariantCulture)}");
}
