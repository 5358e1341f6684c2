using L402Train.Lightning;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using L402Train.Grains.Bounties.Validation;
using L402Train.Runtime;
using Xunit;

namespace L402Train.Bounties.Tests.Validation;

/// <summary>The creation-time baseline eval: a bounded number at once, since anyone may post a bounty before paying.</summary>
public sealed class BountyBaselineCheckTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "l402-baseline-check-" + Guid.NewGuid().ToString("N"));
    private readonly BountyBaselineCheck check;
    private readonly GeneratedBounty shipped = ShippedBounty.Generate(42);

    public BountyBaselineCheckTests()
    {
        var workspace = new BountyWorkspace(new FileSystemBlobStore(Path.Combine(root, "blobs")), Path.Combine(root, "work"));
        check = new BountyBaselineCheck(new BubblewrapSandbox(new SandboxOptions { ScratchRoot = workspace.Root }, TimeProvider.System), workspace);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static BountyTerms Terms(string evalCommand, int timeoutSeconds = 30) => new("t", "d", "accuracy", MetricDirection.Maximize, evalCommand,
        [ShippedBounty.ConfigPath], [], 4096, new Sats(20_000), DateTimeOffset.UnixEpoch.AddYears(60), 100_000, 0.01, timeoutSeconds, 256, 1);

    private Task<BaselineCheckResult> CheckAsync(BountyTerms terms) =>
        check.CheckAsync(terms, ShippedBounty.BaselineArchive(shipped), ShippedBounty.HeldOutArchive(shipped), TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_shipped_bounty_passes_and_a_failing_eval_names_its_set_and_error()
    {
        var passed = await CheckAsync(Terms(ShippedBounty.Task.EvalCommand));
        var failed = await CheckAsync(Terms("echo no-such-tool >&2; exit 127"));

        Assert.Null(passed.Problem);
        Assert.Contains("on the public set (exit 127)", failed.Problem, StringComparison.Ordinal);
        Assert.Contains("no-such-tool", failed.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checks_beyond_the_concurrency_limit_are_answered_busy_at_once()
    {
        // Each of these holds its slot until its one-second wall clock kills it.
        var running = Enumerable.Range(0, BountyBaselineCheck.MaxConcurrentChecks)
            .Select(_ => CheckAsync(Terms("sleep 600", timeoutSeconds: 1))).ToList();

        var refused = await CheckAsync(Terms(ShippedBounty.Task.EvalCommand));

        Assert.True(refused.Busy);
        Assert.All(await Task.WhenAll(running), r => Assert.Contains("wall-clock", r.Problem, StringComparison.Ordinal));
        Assert.Null((await CheckAsync(Terms(ShippedBounty.Task.EvalCommand))).Problem);
    }
}
