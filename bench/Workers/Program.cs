using System.Globalization;
using L402Train.Bench.Workers;

// Prints one name=value line per figure (docs/workers.md): experiments per minute of one worker silo on the
// built-in trainer's smallest (default) configuration, paid end to end, next to the same runs in-process.
var rounds = args.Contains("--quick") ? 5 : 20;
await using var bench = await WorkerBench.StartAsync();
Console.WriteLine($"cores={Environment.ProcessorCount}");
Console.WriteLine($"rounds={rounds}");
foreach (var (name, value) in await bench.MeasureAsync(rounds)) Print(name, value);
return 0;

static void Print(string name, double value) =>
    Console.WriteLine($"{name}={value.ToString(value >= 100 ? "0" : "0.###", CultureInfo.InvariantCulture)}");
