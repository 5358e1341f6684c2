using BenchmarkDotNet.Attributes;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Shipped;

namespace L402Train.Bench.Bounties;

/// <summary>Full mode: the cost of screening a submission's diff (parse, policy) and of writing one.</summary>
[MemoryDiagnoser]
public class DiffBenchmarks
{
    private readonly DiffPolicy policy = new(ShippedBounty.Task.TargetGlobs, ShippedBounty.Task.MaxDiffBytes);
    private string original = "";
    private string changed = "";
    private string diff = "";

    [GlobalSetup]
    public void Setup()
    {
        var bounty = ShippedBounty.Generate(42);
        original = bounty.Baseline[ShippedBounty.ConfigPath];
        changed = original.Replace("weight_link = 0.5", "weight_link = 0.9", StringComparison.Ordinal)
            .Replace("lowercase = no", "lowercase = yes", StringComparison.Ordinal);
        diff = UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, original, changed);
    }

    [Benchmark]
    public UnifiedDiff? Check() => policy.Check(diff).Diff;

    [Benchmark]
    public string Write() => UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, original, changed);
}
