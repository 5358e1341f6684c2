using System.Diagnostics;
using System.Globalization;
using L402Train.Bench.Incentives.Attacks;
using L402Train.Bench.Incentives.Bounties;
using L402Train.Bench.Incentives.Training;

// Prints one name=value line per figure (docs/incentives.md lists them with the commands that printed them).
// --quick: 60 identities × 3 rounds (a few minutes on 2 loaded cores). Without it: 1,000 identities × 20 rounds.
int? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
var quick = args.Contains("--quick");

if (args.Contains("--probe"))
{
    VerdictProbe.Run(Option("--peers") ?? 8, Option("--inner-steps") ?? 3, Option("--batch") ?? 4, Console.WriteLine);
    return 0;
}

if (args.Contains("--probe-outer-step"))
{
    OuterStepProbe.Run(Option("--peers") ?? 600, Option("--probes") ?? 60, Option("--threads") ?? Environment.ProcessorCount,
        Option("--inner-steps") ?? 3, Option("--batch") ?? 4,
        [.. args.Where(a => a.StartsWith("--kappa=", StringComparison.Ordinal)).Select(a => double.Parse(a["--kappa=".Length..], CultureInfo.InvariantCulture))], Console.WriteLine);
    return 0;
}

var options = new SimulationOptions(
    Identities: Option("--peers") ?? (quick ? 60 : 1_000),
    Rounds: Option("--rounds") ?? (quick ? 3 : 20),
    Threads: Option("--threads") ?? Environment.ProcessorCount,
    InnerSteps: Option("--inner-steps") ?? 3,
    BatchSize: Option("--batch") ?? 4);
PrintPinned(options);
// Orleans' test cluster writes its log files under the working directory: keep them out of the checkout.
var scratch = Directory.CreateTempSubdirectory("l402train-incentives-run");
Directory.SetCurrentDirectory(scratch.FullName);
if (!args.Contains("--no-training"))
{
    var wall = Stopwatch.StartNew();
    await using (var simulation = await TrainingSimulation.StartAsync(options))
    {
        await simulation.RunAsync(line => Console.Error.WriteLine(line));
        (await TrainingFigures.ReadAsync(simulation)).Print(Console.WriteLine);
        TrainingFigures.PrintDetails(simulation, Console.WriteLine);
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training_wall_s={wall.Elapsed.TotalSeconds:0.0}"));
}

// 100 noise-only agents against the shipped bounty, in both modes (each is one sandboxed eval).
if (!args.Contains("--no-bounties"))
    (await NoiseAgents.RunAsync(Option("--noise-agents") ?? 100, options.Threads)).Print(Console.WriteLine);

// The bounty attack suite (tests/L402Train.Attacks): every scripted attacker through the HTTP API.
if (!args.Contains("--no-attacks"))
    await AttackSection.PrintAsync(AttackSection.Runner(), Console.WriteLine, CancellationToken.None);
Console.WriteLine($"machine_uptime_end={Uptime()}");
return 0;

static void PrintPinned(SimulationOptions options)
{
    Console.WriteLine($"sim_peers={options.Identities}");
    Console.WriteLine($"sim_rounds={options.Rounds}");
    Console.WriteLine($"sim_threads={options.Threads}");
    Console.WriteLine($"sim_inner_steps={options.InnerSteps}");
    Console.WriteLine($"sim_batch={options.BatchSize}");
    Console.WriteLine($"model=tiny model_parameters={L402Train.Model.Gpt.GptConfig.Tiny.ParameterCount}");
    Console.WriteLine($"machine_cores={Environment.ProcessorCount}");
    Console.WriteLine($"machine_uptime={Uptime()}");
}

static string Uptime()
{
    try
    {
        using var process = Process.Start(new ProcessStartInfo("uptime") { RedirectStandardOutput = true })!;
        return process.StandardOutput.ReadToEnd().Trim();
    }
    catch (System.ComponentModel.Win32Exception e)
    {
        return $"unavailable ({e.Message})";
    }
}
