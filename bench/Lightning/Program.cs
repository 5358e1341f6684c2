using BenchmarkDotNet.Running;
using L402Train.Bench.Lightning;

if (args.Contains("--quick") || args.Length == 0)
{
    await QuickFigures.RunAsync(args.Contains("--no-facade"));
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Bolt11Benchmarks).Assembly).Run(args);
return 0;
