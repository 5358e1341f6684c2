using System.Globalization;
using BenchmarkDotNet.Running;
using L402Train.Bench.L402;

// Quick mode prints one name=value line per figure (see docs/l402.md); --stages prints where a
// full verification's time goes; without either the BenchmarkDotNet suite runs.
if (args.Contains("--stages"))
{
    using var bench = new BenchGate();
    foreach (var (name, perSecond) in VerifyStages.Measure(bench)) Print(name, perSecond);
    return 0;
}
if (args.Contains("--quick"))
{
    using (var bench = new BenchGate())
    {
        Print("verify_standard_per_s", VerifyFigure.PerCpuSecond(bench.VerifyFull, TimeSpan.FromSeconds(3)));
        Print("verify_standard_cached_per_s", VerifyFigure.PerCpuSecond(bench.VerifyRepeated, TimeSpan.FromSeconds(3)));
    }
    var gateway = await GatewayFigure.MeasureAsync(TimeSpan.FromSeconds(1), rounds: 9);
    Print("gateway_free_rps", gateway.FreeRps);
    Print("gateway_l402_rps", gateway.PaidRps);
    Print("gateway_free_cpu_us_per_request", gateway.FreeCpuMicroseconds);
    Print("gateway_l402_cpu_us_per_request", gateway.PaidCpuMicroseconds);
    Print("l402_overhead_pct", gateway.OverheadPercent);
    Print("gateway_concurrency", GatewayFigure.Concurrency);
    return 0;
}
BenchmarkRunner.Run<VerifyBenchmarks>(args: args);
return 0;

static void Print(string name, double value) =>
    Console.WriteLine($"{name}={value.ToString(value >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture)}");
