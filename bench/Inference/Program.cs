using System.Globalization;
using L402Train.Bench.Inference;

// Prints one name=value line per figure (docs/inference.md), each next to its same-run baseline.
// --model tiny|small picks the served model (default tiny, what `silo serve` trains by default).
var model = args.SkipWhile(a => a != "--model").Skip(1).FirstOrDefault() ?? "tiny";
await using var bench = await InferenceBench.StartAsync(model);
Console.WriteLine($"model={model}");
// The machine's load beside the figures: on a shared machine they mean little without it.
PrintLoad("load_average_1m_start");
foreach (var (name, value) in await bench.MeasureAsync(rounds: args.Contains("--quick") ? 5 : 15)) Print(name, value);
PrintLoad("load_average_1m_end");
return 0;

static void PrintLoad(string name)
{
    if (File.Exists("/proc/loadavg")) Print(name, double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture));
}

static void Print(string name, double value) =>
    Console.WriteLine($"{name}={value.ToString(value >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture)}");
