using L402Train.Grains.Training;
using Xunit;

namespace L402Train.Training.Tests.Policy;

/// <summary>The τ rule of a round: max(floor, mean + k·sd of its random-direction baseline), and the gate judging against it.</summary>
public class RoundThresholdTests
{
    private static readonly RewardSchedule Schedule = new() { MinRewardedScore = 0.005, MinRewardedScoreFloor = 0.0005, BaselineSigmas = 4, MinRewardedShareOfMedian = 0 };

    private static double[] Before => [3.0, 3.1, 2.9, 3.2, 3.0, 3.05, 2.95, 3.1];

    [Fact]
    public void Tau_is_the_baseline_mean_plus_k_standard_deviations()
    {
        double[] scores = [0.0002, 0.0010, 0.0002, 0.0010];
        var mean = scores.Average();
        var sd = Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / 3);

        var threshold = RoundThreshold.FromBaseline(scores, Schedule);

        Assert.Equal(mean, threshold.BaselineMean, 1e-15);
        Assert.Equal(sd, threshold.BaselineSd, 1e-15);
        Assert.Equal(mean + 4 * sd, threshold.Tau, 1e-15);
        Assert.Equal(scores, threshold.BaselineScores);
    }

    [Fact]
    public void Tau_never_falls_under_the_floor_when_random_directions_only_hurt()
    {
        var threshold = RoundThreshold.FromBaseline([-0.0020, -0.0021, -0.0019, -0.0020], Schedule);
        Assert.Equal(0.0005, threshold.Tau);
        Assert.True(threshold.BaselineMean < 0);
    }

    [Fact]
    public void Tau_rises_above_the_fixed_one_where_random_directions_score_well()
    {
        var threshold = RoundThreshold.FromBaseline([0.004, 0.006, 0.003, 0.007], Schedule);
        Assert.True(threshold.Tau > Schedule.MinRewardedScore, $"τ {threshold.Tau}");
    }

    [Fact]
    public void Tau_is_at_least_a_share_of_the_previous_rounds_accepted_median_score()
    {
        // Right after a large outer step honest updates score 0.03 while random directions look harmless in a few samples.
        var threshold = RoundThreshold.FromBaseline([-0.0004, 0.0001, -0.0002, 0.0000], Schedule with { MinRewardedShareOfMedian = 0.25 }, previousMedianScore: 0.03);
        Assert.Equal(0.0075, threshold.Tau, 1e-15);
        Assert.Equal(0.03, threshold.PreviousMedianScore);

        var late = RoundThreshold.FromBaseline([-0.0004, 0.0001, -0.0002, 0.0000], Schedule with { MinRewardedShareOfMedian = 0.25 }, previousMedianScore: 0.002);
        Assert.Equal(late.BaselineMean + 4 * late.BaselineSd, late.Tau, 1e-15);
    }

    [Fact]
    public void The_accepted_median_score_counts_only_accepted_updates()
    {
        RoundEntry Entry(VerdictReason reason, double score) => new($"s{score}", "p", 1, "h", reason, score, L402Train.Lightning.Sats.Zero);
        var round = new RoundState
        {
            Submissions = [Entry(VerdictReason.Accepted, 0.004), Entry(VerdictReason.BelowThreshold, 0.001), Entry(VerdictReason.Accepted, 0.010),
                Entry(VerdictReason.Harmful, -0.2), Entry(VerdictReason.Accepted, 0.006), Entry(VerdictReason.Accepted, 0.020)],
        };
        Assert.Equal(0.008, RoundThreshold.AcceptedMedianScore(round), 1e-15);
        Assert.Equal(0, RoundThreshold.AcceptedMedianScore(new RoundState()));
    }

    [Fact]
    public void A_non_finite_baseline_score_counts_as_no_improvement()
    {
        var threshold = RoundThreshold.FromBaseline([0.001, double.NaN, 0.001, double.PositiveInfinity], Schedule);
        Assert.All(threshold.BaselineScores, s => Assert.True(double.IsFinite(s)));
        Assert.True(threshold.BaselineMean < 0);
    }

    [Fact]
    public void A_round_without_a_baseline_keeps_the_schedules_fixed_tau()
    {
        Assert.Equal(0.005, RoundThreshold.Fixed(Schedule).Tau);
        Assert.Throws<ArgumentException>(() => RoundThreshold.FromBaseline([0.001], Schedule));
    }

    [Fact]
    public void A_significant_score_under_the_fixed_tau_is_accepted_against_a_lower_round_tau()
    {
        // 0.2 % on every batch: significant, under τ = 0.005, over a round's τ of 0.001.
        var after = Before.Select(b => b * 0.998).ToArray();
        var roundTau = new RoundThreshold(0.001, -0.0005, 0.000375, [-0.0005]);

        var fixedVerdict = SignificanceGate.Judge(Before, after, Schedule);
        var roundVerdict = SignificanceGate.Judge(Before, after, Schedule, roundTau);

        Assert.Equal(VerdictReason.BelowThreshold, fixedVerdict.Reason);
        Assert.Equal(VerdictReason.Accepted, roundVerdict.Reason);
        Assert.Equal(0.002 / Schedule.FullQualityScore, roundVerdict.Quality, 1e-9);
    }

    [Fact]
    public void A_score_under_the_round_tau_is_below_threshold_and_refunded()
    {
        var after = Before.Select(b => b * 0.998).ToArray();
        var verdict = SignificanceGate.Judge(Before, after, Schedule, new RoundThreshold(0.003, 0, 0.00075, [0.0]));
        Assert.Equal(VerdictReason.BelowThreshold, verdict.Reason);
        Assert.Equal(DepositAction.Refund, verdict.Deposit);
        Assert.Contains("τ=0.00300", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rounds_tau_survives_its_stored_json()
    {
        var round = new RoundState
        {
            Number = 7, AcceptedMedianNorms = [0.5, 0.25],
            Threshold = RoundThreshold.FromBaseline([-0.0004, 0.0001, -0.0002, 0.0003], Schedule, previousMedianScore: 0.004),
        };

        var stored = System.Text.Json.JsonSerializer.Serialize(round, L402Train.Runtime.GrainJson.Options);
        var loaded = System.Text.Json.JsonSerializer.Deserialize<RoundState>(stored, L402Train.Runtime.GrainJson.Options)!;

        var tau = round.Threshold!;
        Assert.Equal(tau, loaded.Threshold! with { BaselineScores = tau.BaselineScores });
        Assert.Equal(tau.BaselineScores, loaded.Threshold.BaselineScores);
        Assert.Equal(round.AcceptedMedianNorms, loaded.AcceptedMedianNorms);
    }

    [Theory]
    [InlineData(-0.1, 16, 4.0, "min_rewarded_score_floor")]
    [InlineData(0.0005, 1, 4.0, "baseline_directions")]
    [InlineData(0.0005, 16, -1.0, "baseline_sigmas")]
    [InlineData(0.0005, 16, double.NaN, "baseline_sigmas")]
    [InlineData(0.0005, 16, 4.0, "min_rewarded_share_of_median", 1.5)]
    public void An_incoherent_baseline_setting_is_named(double floor, int directions, double sigmas, string field, double share = 0.25)
    {
        var problem = new RewardSchedule { MinRewardedScoreFloor = floor, BaselineDirections = directions, BaselineSigmas = sigmas, MinRewardedShareOfMedian = share }.Validate();
        Assert.StartsWith(field, problem, StringComparison.Ordinal);
    }
}
