using L402Train.Bounties.Shipped;
using L402Train.Gateway.Bounties;
using L402Train.Grains.Bounties.Catalog;
using Xunit;

namespace L402Train.Bounties.Tests.Http;

/// <summary>
/// A posted bounty's defence terms the sponsor leaves out take the silo's settings (<c>silo serve --noise-reruns</c>,
/// <c>--holdback-pct</c>, <c>--holdback-delay-s</c>, <c>--leader-threshold-*</c>) and are stored with the deal; what the
/// sponsor sends wins.
/// </summary>
public sealed class BountyTermsDefaultsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("l402-terms-");
    private readonly GeneratedBounty shipped = ShippedBounty.Generate(42);

    private static readonly BountyRules Silo = new()
    {
        DefaultNoiseReruns = 5, DefaultHoldbackPct = 35, DefaultHoldbackDelay = TimeSpan.FromHours(6),
        LeaderThresholdRise = 1.5, LeaderThresholdDecay = 0.2, LeaderThresholdPeriod = TimeSpan.FromMinutes(5),
    };

    public void Dispose() => scratch.Delete(recursive: true);

    private CreateBountyRequest Request() => new()
    {
        Title = "Spam filter", Metric = "accuracy", EvalCommand = ShippedBounty.Task.EvalCommand, TargetFiles = ShippedBounty.Task.TargetGlobs,
        BaselineTarball = Convert.ToBase64String(ShippedBounty.BaselineArchive(shipped)), HeldOutTarball = Convert.ToBase64String(ShippedBounty.HeldOutArchive(shipped)),
        TotalSats = 20_000, Deadline = Now.AddHours(1),
    };

    [Fact]
    public void Terms_left_out_take_the_silos_settings()
    {
        var terms = BountyTermsReader.Check(Request(), Silo, Now, scratch.FullName).Terms!;

        Assert.Equal((5, 35, TimeSpan.FromHours(6)), (terms.NoiseReruns, terms.HoldbackPct, terms.HoldbackDelay));
        Assert.Equal((1.5, 0.2, TimeSpan.FromMinutes(5)), (terms.LeaderThresholdRise, terms.LeaderThresholdDecay, terms.LeaderThresholdPeriod));
    }

    [Fact]
    public void Terms_the_sponsor_sends_win_over_the_silos_settings()
    {
        var request = Request() with
        {
            NoiseReruns = 3, HoldbackPct = 0, HoldbackDelayS = 60, LeaderThresholdRise = 0, LeaderThresholdDecay = 1, LeaderThresholdPeriodS = 3600,
        };

        var terms = BountyTermsReader.Check(request, Silo, Now, scratch.FullName).Terms!;

        Assert.Equal((3, 0, TimeSpan.FromMinutes(1)), (terms.NoiseReruns, terms.HoldbackPct, terms.HoldbackDelay));
        Assert.Equal((0.0, 1.0, TimeSpan.FromHours(1)), (terms.LeaderThresholdRise, terms.LeaderThresholdDecay, terms.LeaderThresholdPeriod));
    }
}
