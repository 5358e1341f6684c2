using System.Globalization;

namespace L402Train.Bench.Model;

/// <summary>
/// The fp32 peak the engine can reach: cores × FMA pipes × fp32 lanes per FMA × 2 flops × clock.
/// The clock is the first <c>cpu MHz</c> of /proc/cpuinfo (a KVM guest shows the nominal clock,
/// no boost); the lanes are 8, the engine's Vector256 width, and only when the flags list
/// <c>fma</c> and <c>avx2</c>; the pipes are 2, which /proc/cpuinfo cannot tell: it is what every
/// x86 core with FMA since Haswell and Zen 2 has, and a Zen 4 executes a 512-bit FMA as two
/// 256-bit halves, so AVX-512 would not raise this peak either.
/// </summary>
internal sealed record MachinePeak(double ClockGHz, int Lanes, int FmaPipes, string Flags)
{
    public static MachinePeak Read()
    {
        var clock = 0.0;
        var flags = "";
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                var parts = line.Split(':', 2);
                if (parts.Length != 2) continue;
                var key = parts[0].Trim();
                if (key == "cpu MHz" && clock == 0) clock = double.Parse(parts[1].Trim(), CultureInfo.InvariantCulture) / 1000;
                if (key == "flags" && flags.Length == 0) flags = parts[1];
            }
        }

        var words = flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var lanes = words.Contains("fma") && words.Contains("avx2") ? 8 : 4;
        var simd = words.Contains("avx512f") ? "avx512f" : words.Contains("avx2") ? "avx2" : "sse";
        return new MachinePeak(clock, lanes, 2, $"{simd}{(words.Contains("fma") ? "+fma" : "")}");
    }

    /// <summary>Peak GFLOP/s over <paramref name="cores"/> cores.</summary>
    public double GFlops(int cores) => cores * FmaPipes * Lanes * 2 * ClockGHz;
}
