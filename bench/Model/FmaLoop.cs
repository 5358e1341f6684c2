using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using L402Train.Model.Training;

namespace L402Train.Bench.Model;

/// <summary>
/// <c>--peak</c>: checks the peak <see cref="MachinePeak"/> assumes instead of trusting it. A loop of
/// independent fused multiply-adds (12 accumulators, more than latency × pipes, so nothing waits)
/// runs on one thread and is timed in that thread's CPU time; its flops per CPU-second are what one
/// core can really do. If the clock boosted above the one /proc/cpuinfo shows, or a core had more
/// FMA pipes, or AVX-512 ran at full width, this would exceed the assumed peak, and every "% of
/// peak" figure, and the floor docs/model.md derives from them, would have to be recomputed.
/// </summary>
internal static class FmaLoop
{
    private const int Accumulators = 12;

    public static int Run()
    {
        var peak = MachinePeak.Read();
        Console.WriteLine($"cpu={peak.Flags} clock_ghz={peak.ClockGHz.ToString("F3", CultureInfo.InvariantCulture)} fma_pipes={peak.FmaPipes} fp32_lanes={peak.Lanes}");
        Print("assumed_peak_gflops_per_core", peak.GFlops(1));
        if (!Fma.IsSupported)
        {
            Console.WriteLine("fma=unsupported");
            return 0;
        }
        Measure("fma256", () => Loop256(50_000_000), 50_000_000L * Accumulators * 8 * 2, peak);
        if (Avx512F.IsSupported) Measure("fma512", () => Loop512(25_000_000), 25_000_000L * Accumulators * 16 * 2, peak);
        return 0;
    }

    private static void Measure(string name, Func<float> loop, long flops, MachinePeak peak)
    {
        loop(); // JIT and warm-up
        var best = double.MaxValue;
        var bestWall = double.MaxValue;
        var sink = 0f;
        // The best of five: on a shared machine a run can only lose time to others, never gain it.
        for (var i = 0; i < 5; i++)
        {
            var started = TimeProvider.System.GetTimestamp();
            var (result, cpu) = ThreadCpuTime.Measure(loop);
            bestWall = Math.Min(bestWall, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
            sink += result;
            best = Math.Min(best, cpu.TotalSeconds);
        }
        var gflops = flops / best / 1e9;
        Print($"{name}_gflops_per_cpu_s", gflops);
        // Wall time cannot be inflated by how a guest accounts CPU time; on a busy machine it can only be slower.
        Print($"{name}_gflops_per_wall_s", flops / bestWall / 1e9);
        Print($"{name}_pct_of_assumed_peak", 100 * gflops / peak.GFlops(1));
        // flops per cycle at the assumed clock: 32 is two 256-bit FMA pipes; more would mean a faster clock or more pipes.
        Print($"{name}_flops_per_cycle_at_assumed_clock", gflops / peak.ClockGHz);
        if (float.IsNaN(sink)) Console.WriteLine("sink=nan");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop256(int iterations)
    {
        var a = Vector256.Create(0.999999f);
        var b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (var i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b); c1 = Fma.MultiplyAdd(c1, a, b); c2 = Fma.MultiplyAdd(c2, a, b); c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b); c5 = Fma.MultiplyAdd(c5, a, b); c6 = Fma.MultiplyAdd(c6, a, b); c7 = Fma.MultiplyAdd(c7, a, b);
            c8 = Fma.MultiplyAdd(c8, a, b); c9 = Fma.MultiplyAdd(c9, a, b); c10 = Fma.MultiplyAdd(c10, a, b); c11 = Fma.MultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop512(int iterations)
    {
        var a = Vector512.Create(0.999999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (var i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b); c1 = Avx512F.FusedMultiplyAdd(c1, a, b); c2 = Avx512F.FusedMultiplyAdd(c2, a, b); c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b); c5 = Avx512F.FusedMultiplyAdd(c5, a, b); c6 = Avx512F.FusedMultiplyAdd(c6, a, b); c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b); c9 = Avx512F.FusedMultiplyAdd(c9, a, b); c10 = Avx512F.FusedMultiplyAdd(c10, a, b); c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    private static void Print(string name, double value) =>
        Console.WriteLine($"{name}={value.ToString("0.##", CultureInfo.InvariantCulture)}");
}
