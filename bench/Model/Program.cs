using BenchmarkDotNet.Running;
using L402Train.Bench.Model;

if (args.Contains("--quick"))
{
    // --corpus kjv|generated: the text of the loss figures (default generated, as the documented figures).
    var at = Array.IndexOf(args, "--corpus");
    return QuickBench.Run(at >= 0 && at + 1 < args.Length ? args[at + 1] : L402Train.Model.Corpus.CorpusNames.Generated);
}

// --engine: against PyTorch (OpenBLAS) and the fp32 peak, tiny and small, 1 thread and all cores, plus
// KV-cache generation; --no-torch leaves PyTorch out, --threads N measures only N threads, --no-generate skips generation.
if (args.Contains("--engine"))
{
    var at = Array.IndexOf(args, "--threads");
    int? threads = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : null;
    return EngineFigures.Run(withTorch: !args.Contains("--no-torch"), threads, generate: !args.Contains("--no-generate"));
}

// --peak: a loop of independent FMAs on one thread, against the peak the --engine percentages assume.
if (args.Contains("--peak")) return FmaLoop.Run();

if (args.Contains("--profile"))
{
    Profile.Run(L402Train.Model.Gpt.GptConfig.Tiny, 1, 8, 64, 5);
    Profile.Run(L402Train.Model.Gpt.GptConfig.Tiny, 1, 4, 64, 5);
    Profile.Run(L402Train.Model.Gpt.GptConfig.Tiny, Environment.ProcessorCount, 8, 64, 5);
    return 0;
}

BenchmarkRunner.Run<TrainingStepBenchmarks>(args: args);
return 0;
