using BenchmarkDotNet.Running;
using L402Train.Bench.Compression;

// --quick: Stopwatch figures as name=value lines (under a minute). Otherwise: BenchmarkDotNet.
if (args.Contains("--quick"))
{
    QuickFigures.Run(repeats: 8);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(CodecBenchmarks).Assembly).Run(args);
return 0;
