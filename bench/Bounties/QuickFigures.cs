using System.Diagnostics;
using System.Globalization;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;

namespace L402Train.Bench.Bounties;

/// <summary>
/// The quick figures: sandbox overhead (a trivial eval inside vs outside, p50 of each) and how
/// many evals of the shipped bounty one core runs per minute in the sandbox. The whole process is
/// pinned to one CPU, and the child processes inherit that.
/// </summary>
internal static class QuickFigures
{
    private const int Trivial = 40;
    private const int Shipped = 25;

    public static async Task<int> RunAsync()
    {
        if (!OperatingSystem.IsLinux()) { throw new PlatformNotSupportedException("the bounty sandbox needs Linux."); }
        var time = TimeProvider.System;
        Process.GetCurrentProcess().ProcessorAffinity = 1;
        var root = Directory.CreateTempSubdirectory("l402-bench-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        try
        {
            var sandbox = new BubblewrapSandbox(new SandboxOptions { ScratchRoot = root }, time);
            await sandbox.EnsureAvailableAsync();

            var host = new List<double>();
            var inside = new List<double>();
            for (var i = 0; i < Trivial; i++)
            {
                host.Add(await TimeAsync(time, () => RunOnHostAsync("echo 1")));
                using var copy = WorkingCopy.CreateEmpty(root);
                inside.Add(await TimeAsync(time, () => sandbox.RunAsync(new SandboxRequest(copy, "echo 1", null, SandboxLimits.Default))));
            }
            Print("host_trivial_eval_p50_ms", Samples.Median(host));
            Print("sandbox_trivial_eval_p50_ms", Samples.Median(inside));
            Print("sandbox_overhead_ms", Samples.Median(inside) - Samples.Median(host));

            var bounty = ShippedBounty.Generate(42);
            var (baseline, heldOut) = ShippedBounty.WriteTo(bounty, root);
            var targets = new Dictionary<string, string> { [ShippedBounty.ConfigPath] = bounty.Baseline[ShippedBounty.ConfigPath] };
            var evaluator = new EvalCommandEvaluator(baseline, heldOut, ShippedBounty.Task.EvalCommand, SandboxLimits.Default, sandbox, root, time);
            var started = time.GetTimestamp();
            for (var i = 0; i < Shipped; i++)
            {
                if (await evaluator.ScoreAsync(targets, CancellationToken.None) is null) { throw new InvalidOperationException("the shipped eval failed in the sandbox."); }
            }
            var seconds = time.GetElapsedTime(started).TotalSeconds;
            Print("shipped_eval_sandboxed_mean_ms", seconds * 1000 / Shipped);
            Print("shipped_evals_per_minute_one_core", Shipped * 60 / seconds);
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<double> TimeAsync(TimeProvider time, Func<Task> run)
    {
        var started = time.GetTimestamp();
        await run();
        return time.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task RunOnHostAsync(string command)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        using var process = Process.Start(info)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
    }


    private static void Print(string name, double value) =>
        Console.WriteLine($"{name}={value.ToString("0.##", CultureInfo.InvariantCulture)}");
}
