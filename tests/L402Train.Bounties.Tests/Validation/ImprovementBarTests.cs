using L402Train.Lightning;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Bounties.Validation;
using L402Train.Grains.Training;
using L402Train.Testing;
using Xunit;

namespace L402Train.Bounties.Tests.Validation;

/// <summary>The noise floor, the leader threshold and the canary check of <see cref="AcceptancePolicy"/>.</summary>
public sealed class ImprovementBarTests
{
    private static readonly BountyRules Rules = new();

    private static BountyTerms Terms(double minImprovement = 0.01) =>
        new("t", "d", "accuracy", MetricDirection.Maximize, "sh eval.sh", ["classifier.conf"], [], 1024, new Sats(100_000),
            DateTimeOffset.UnixEpoch.AddYears(60), 100_000, minImprovement, 30, 256, 1);

    private static BountyState Bounty(double? sigma, params LeaderboardEntry[] leaders) => Bounty(Terms(), sigma, leaders);

    private static BountyState Bounty(BountyTerms terms, double? sigma, params LeaderboardEntry[] leaders) => new()
    {
        Posted = new NewBounty(terms, "b", "h", "sha", PaymentHash.FromHex(new string('f', 64)), "lnbc", DateTimeOffset.UnixEpoch, 5),
        Status = BountyStatus.Active,
        NoiseSigma = sigma,
        NoiseRuns = sigma is null ? 0 : 3,
        Leaderboard = leaders,
    };

    private static LeaderboardEntry Leader(double improvement, DateTimeOffset at) =>
        new("s1", "agent", 1, 0.9, 0.9, improvement, new Sats(1000), new Sats(50), at, "tree");

    private static AcceptanceDecision Judge(double candidateHeldOut, ImprovementBar bar, CanaryCount? publicCanaries = null, CanaryCount? heldOutCanaries = null) =>
        AcceptancePolicy.Judge(new ScoreComparison([0.80], [0.80], [0.80 + (candidateHeldOut - 0.80)], [candidateHeldOut])
        {
            PublicCanaries = publicCanaries,
            HeldOutCanaries = heldOutCanaries,
        }, MetricDirection.Maximize, bar, suspiciousGap: 0.1, significanceLevel: 0.05);

    [Fact]
    public void An_improvement_within_two_sigma_of_the_baseline_noise_is_not_paid_and_one_beyond_it_is()
    {
        // σ = 0.02 measured over the baseline reruns: the floor is 2σ = 0.04, above the sponsor's minimum of 0.01.
        var bar = LeaderThreshold.At(Bounty(sigma: 0.02), Rules, DateTimeOffset.UnixEpoch);
        Assert.Equal(0.04, bar.NoiseFloor, 12);
        Assert.Equal(0.04, bar.Required, 12);

        var lucky = Judge(0.835, bar);
        Assert.Equal(BountyVerdictReason.NotSignificant, lucky.Reason);
        Assert.Contains("noise floor", lucky.Detail, StringComparison.Ordinal);
        Assert.Equal(BountyVerdictReason.NotSignificant, Judge(0.84, bar).Reason); // the floor must be exceeded, not met
        Assert.Equal(BountyVerdictReason.Accepted, Judge(0.845, bar).Reason);

        // Without a measured σ only the minimum counts: the same lucky draw would have been paid.
        Assert.Equal(BountyVerdictReason.Accepted, Judge(0.835, LeaderThreshold.At(Bounty(sigma: null), Rules, DateTimeOffset.UnixEpoch)).Reason);
    }

    [Fact]
    public void The_leader_threshold_rises_after_a_large_win_and_decays_back_to_the_floor()
    {
        var clock = new FakeTimeProvider();
        var won = clock.GetUtcNow();
        var bounty = Bounty(sigma: 0.005, Leader(improvement: 0.10, at: won));

        // Right after the win the bar is the winner's own improvement (rise 1).
        Assert.Equal(0.10, LeaderThreshold.At(bounty, Rules, clock.GetUtcNow()).Required, 12);
        Assert.Equal(BountyVerdictReason.NotSignificant, Judge(0.86, LeaderThreshold.At(bounty, Rules, clock.GetUtcNow())).Reason);

        // One period later the excess over the floor (0.01) lost 5 %: 0.01 + 0.09 × 0.95.
        clock.Advance(Rules.LeaderThresholdPeriod);
        Assert.Equal(0.01 + (0.09 * 0.95), LeaderThreshold.At(bounty, Rules, clock.GetUtcNow()).Required, 12);

        // After a day (72 periods) it is almost back at the floor, and the same challenger is paid.
        clock.Advance(TimeSpan.FromDays(1) - Rules.LeaderThresholdPeriod);
        var later = LeaderThreshold.At(bounty, Rules, clock.GetUtcNow());
        Assert.Equal(0.01 + (0.09 * Math.Pow(0.95, 72)), later.Required, 12);
        Assert.True(later.Required < 0.013, $"{later.Required}");
        Assert.Equal(BountyVerdictReason.Accepted, Judge(0.86, later).Reason);
    }

    [Fact]
    public void A_bounty_with_its_own_threshold_terms_uses_them_and_one_posted_before_them_uses_the_silos_settings()
    {
        var clock = new FakeTimeProvider();
        var leader = Leader(improvement: 0.10, at: clock.GetUtcNow());
        var silo = Rules with { LeaderThresholdRise = 0.5, LeaderThresholdDecay = 0.5, LeaderThresholdPeriod = TimeSpan.FromMinutes(1) };
        var own = Bounty(Terms() with { LeaderThresholdRise = 2, LeaderThresholdDecay = 0.1, LeaderThresholdPeriod = TimeSpan.FromHours(1) }, sigma: null, leader);
        var before = Bounty(sigma: null, leader);

        // The sponsor's rise 2 makes the bar twice the win; the silo's 0.5 half of it.
        Assert.Equal(0.20, LeaderThreshold.At(own, silo, clock.GetUtcNow()).Required, 12);
        Assert.Equal(0.05, LeaderThreshold.At(before, silo, clock.GetUtcNow()).Required, 12);

        // An hour on: the bounty's one period of 10 % decay, against sixty of the silo's 50 %.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0.01 + (0.19 * 0.9), LeaderThreshold.At(own, silo, clock.GetUtcNow()).Required, 12);
        Assert.Equal(0.01 + (0.04 * Math.Pow(0.5, 60)), LeaderThreshold.At(before, silo, clock.GetUtcNow()).Required, 12);
    }

    [Fact]
    public void A_small_win_leaves_the_threshold_at_the_floor()
    {
        var at = DateTimeOffset.UnixEpoch;
        var bar = LeaderThreshold.At(Bounty(sigma: 0.004, Leader(improvement: 0.006, at)), Rules, at);

        Assert.Equal(0.01, bar.Required, 12); // max(min 0.01, 2σ 0.008, rise × 0.006)
    }

    [Fact]
    public void Public_canaries_right_and_held_out_counterparts_wrong_is_canary_failed_before_any_other_check()
    {
        var bar = ImprovementBar.Minimum(0.01);

        var memorised = Judge(0.90, bar, new CanaryCount(8, 8), new CanaryCount(0, 8));
        var honest = Judge(0.90, bar, new CanaryCount(1, 8), new CanaryCount(7, 8));

        Assert.Equal(BountyVerdictReason.CanaryFailed, memorised.Reason);
        Assert.Equal(DepositAction.Forfeit, new BountyVerdict(memorised.Reason, memorised.Detail).Deposit);
        Assert.Equal("canary_failed", new BountyVerdict(memorised.Reason, memorised.Detail).Code);
        Assert.Equal(BountyVerdictReason.Accepted, honest.Reason);
        Assert.Equal(BountyVerdictReason.Accepted, Judge(0.90, bar).Reason); // an eval without canaries is not judged on them
    }

    [Fact]
    public void The_last_line_may_be_a_metrics_object_with_canary_counts()
    {
        Assert.True(EvalScore.TryParse("messages 400\n{\"score\": 0.8125, \"canary_correct\": 3, \"canary_total\": 8}\n", out var score, out var canaries, out var error), error);
        Assert.Equal(0.8125, score);
        Assert.Equal(new CanaryCount(3, 8), canaries);
        Assert.True(EvalScore.TryParse("0.5\n", out score, out canaries, out _));
        Assert.Null(canaries);
        Assert.False(EvalScore.TryParse("{\"score\": 0.5, \"canary_correct\": 9, \"canary_total\": 8}", out _, out _, out error));
        Assert.Contains("canary_correct", error, StringComparison.Ordinal);
        Assert.False(EvalScore.TryParse("{\"canary_correct\": 1, \"canary_total\": 8}", out _, out _, out _));
        Assert.False(EvalScore.TryParse("{\"score\": 1e999}", out _, out _, out _));
    }
}
