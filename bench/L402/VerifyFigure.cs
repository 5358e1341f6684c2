using System.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace L402Train.Bench.L402;

/// <summary>
/// Standard-token verifications per second of CPU time on one thread, so the figure is per
/// core even on a shared machine.
/// </summary>
internal static class VerifyFigure
{
    public static double PerCpuSecond(Func<bool> verify, TimeSpan duration)
    {
        for (var i = 0; i < 20_000; i++)
        {
            if (!verify()) throw new InvalidOperationException("The benchmark token does not verify.");
        }
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var count = 0L;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 1000; i++) verify();
            count += 1000;
        }
        process.Refresh();
        return count / (process.TotalProcessorTime - cpu0).TotalSeconds;
    }
}

/// <summary>The BenchmarkDotNet form of the same figures.</summary>
[MemoryDiagnoser]
public class VerifyBenchmarks
{
    private BenchGate bench = null!;

    /// <summary>Creates the gate and token.</summary>
    [GlobalSetup]
    public void Setup() => bench = new BenchGate();

    /// <summary>Releases the simnet.</summary>
    [GlobalCleanup]
    public void Cleanup() => bench.Dispose();

    /// <summary>Parse + full verify of one standard credential with 4 caveats.</summary>
    [Benchmark(Baseline = true)]
    public bool VerifyStandardFull() => bench.VerifyFull();

    /// <summary>The gate's path for a credential it verified before.</summary>
    [Benchmark]
    public bool VerifyStandardRepeated() => bench.VerifyRepeated();
}
