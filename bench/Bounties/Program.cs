using BenchmarkDotNet.Running;
using L402Train.Bench.Bounties;
using L402Train.Bounties.Shipped;

// --quick prints one name=value line per figure; --attacks runs the attack suite and the defences' cost;
// --defences only the defences' cost;
// --write DIR writes the shipped bounty (seed 42);
// anything else runs the BenchmarkDotNet suite.
if (args.Length >= 2 && args[0] == "--write")
{
    var (baseline, heldOut) = ShippedBounty.WriteTo(ShippedBounty.Generate(42), args[1]);
    Console.WriteLine($"baseline={baseline}");
    Console.WriteLine($"heldout={heldOut}");
    return 0;
}
if (args.Contains("--attacks")) return await AttackFigures.RunAsync();
// --defences: only the defences' cost (the profile and the bare/defended ratio), without the attack suite.
if (args.Contains("--defences"))
{
    await SandboxDefenceOverhead.RunAsync();
    return 0;
}
if (args.Contains("--quick"))
{
    // Validator scaling first: the sandbox figures pin the process to one CPU.
    await ValidatorThroughput.RunAsync();
    var code = await QuickFigures.RunAsync();
    if (code == 0) await DefenceOverhead.RunAsync(); // pinned to the same CPU as the sandbox figures
    return code;
}
BenchmarkSwitcher.FromAssembly(typeof(DiffBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
return 0;
