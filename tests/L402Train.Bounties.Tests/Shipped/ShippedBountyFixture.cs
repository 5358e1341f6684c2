using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;

namespace L402Train.Bounties.Tests.Shipped;

/// <summary>The shipped bounty written to disk once, with sandboxed evaluators for its public and held-out sets.</summary>
public sealed class ShippedBountyFixture : IDisposable
{
    public const int Seed = 42;

    public ShippedBountyFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "l402-shipped-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        Bounty = ShippedBounty.Generate(Seed);
        (BaselineDirectory, HeldOutDirectory) = ShippedBounty.WriteTo(Bounty, Root);
        Sandbox = new BubblewrapSandbox(new SandboxOptions { ScratchRoot = Root }, TimeProvider.System);
        Public = Evaluator(Path.Combine(BaselineDirectory, ShippedBounty.PublicDirectory));
        HeldOut = Evaluator(HeldOutDirectory);
        PublicOnHost = new(BaselineDirectory, Path.Combine(BaselineDirectory, ShippedBounty.PublicDirectory), ShippedBounty.Task.EvalCommand,
            SandboxLimits.Default, sandbox: null, Root, TimeProvider.System);
    }

    public string Root { get; }

    public GeneratedBounty Bounty { get; }

    public string BaselineDirectory { get; }

    public string HeldOutDirectory { get; }

    public BubblewrapSandbox Sandbox { get; }

    public EvalCommandEvaluator Public { get; }

    public EvalCommandEvaluator HeldOut { get; }

    /// <summary>The public eval run straight on the host: the agent's fast inner loop.</summary>
    public EvalCommandEvaluator PublicOnHost { get; }

    public IReadOnlyDictionary<string, string> BaselineTargets =>
        new Dictionary<string, string> { [ShippedBounty.ConfigPath] = Bounty.Baseline[ShippedBounty.ConfigPath] };

    private EvalCommandEvaluator Evaluator(string dataSet) =>
        new(BaselineDirectory, dataSet, ShippedBounty.Task.EvalCommand, SandboxLimits.Default, Sandbox, Root, TimeProvider.System);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
