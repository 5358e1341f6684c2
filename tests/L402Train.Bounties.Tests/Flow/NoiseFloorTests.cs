using L402Train.Bounties.Shipped;
using L402Train.Gateway.Bounties;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using Xunit;

namespace L402Train.Bounties.Tests.Flow;

/// <summary>The noise floor measured at activation and what it stops: lucky draws of a noisy eval.</summary>
public sealed class NoiseFloorTests
{
    [Fact]
    public async Task The_baseline_is_rerun_three_times_with_seeds_at_activation_and_its_sigma_is_published()
    {
        await using var h = await BountyHarness.StartAsync();
        var id = await h.PostAndFundAsync(h.Terms(evalCommand: ShippedBounty.NoisyEvalCommand, minImprovement: 0.001));

        await h.WaitUntilAsync(async () => (await h.Bounty(id).GetAsync()).NoiseSigma is not null, "the baseline's noise reruns");

        var bounty = await h.Bounty(id).GetAsync();
        Assert.Equal(3, bounty.NoiseRuns);
        Assert.Equal(3, bounty.BestHeldOutScores!.Count);
        Assert.Equal(3, bounty.BestPublicScores!.Count);
        Assert.Equal(3, bounty.EvalSeeds.Distinct().Count());
        Assert.True(bounty.BestHeldOutScores.Distinct().Count() > 1, "each rerun's seed should draw another sample");
        Assert.True(bounty.NoiseSigma > 0);
        var detail = BountyViews.Detail(id, bounty, [1], LeaderThreshold.At(bounty, h.Rules, h.Clock.GetUtcNow()));
        var summary = BountyViews.Summary(id, bounty, LeaderThreshold.At(bounty, h.Rules, h.Clock.GetUtcNow()));
        Assert.Equal(bounty.NoiseSigma, detail.NoiseSigma);
        Assert.Equal(bounty.NoiseSigma, summary.NoiseSigma);
        Assert.Equal(2 * bounty.NoiseSigma!.Value, detail.NoiseFloor, 12);
        Assert.Equal(Math.Max(0.001, 2 * bounty.NoiseSigma.Value), detail.RequiredImprovement, 12);
        Assert.Equal(detail.RequiredImprovement, summary.RequiredImprovement);
    }

    [Fact]
    public async Task A_hundred_noise_only_agents_submitting_non_improvements_earn_nothing_in_total()
    {
        await using var h = await BountyHarness.StartAsync();
        // A noisy eval (each run scores a random 70 %) and a tiny minimum: without the noise floor and paired seeds,
        // about half of these no-op changes would draw a lucky held-out sample and be paid.
        var id = await h.PostAndFundAsync(h.Terms(evalCommand: ShippedBounty.NoisyEvalCommand, minImprovement: 0.001));

        var submissions = new List<string>();
        for (var agent = 0; agent < 100; agent++)
        {
            var noOp = h.BaselineConfig + $"# agent {agent} was here\n";
            submissions.Add(await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, noOp), baseVersion: 0, payer: agent % 2 == 0 ? h.Alice : h.Mallory));
        }
        var verdicts = new List<BountySubmissionState>();
        foreach (var sid in submissions) verdicts.Add(await h.SettledAsync(sid));

        Assert.Equal(0, verdicts.Sum(v => v.RewardSat.Value));
        Assert.All(verdicts, v => Assert.Equal(BountyVerdictReason.NotImproved, v.Verdict!.Reason));
        var bounty = await h.Bounty(id).GetAsync();
        Assert.Equal(0, bounty.Version);
        Assert.Equal(bounty.Pool.TotalSat, bounty.Pool.RemainingSat);
        var reconciliation = await h.ReconcileAsync();
        Assert.True(reconciliation.Reconciled, $"ledger differs from the node by {reconciliation.DifferenceSat} sat");
    }
}
