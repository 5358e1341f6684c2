using L402Train.Bounties.Improvers;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Bounties.Validation;
using Xunit;

namespace L402Train.Bounties.Tests.Validation;

public sealed class AcceptancePolicyTests
{
    private static AcceptanceDecision Judge(double[] bestPublic, double[] bestHeldOut, double[] candidatePublic, double[] candidateHeldOut,
        MetricDirection direction = MetricDirection.Maximize, double min = 0.01) =>
        AcceptancePolicy.Judge(new ScoreComparison(bestPublic, bestHeldOut, candidatePublic, candidateHeldOut), direction, min, suspiciousGap: 0.1, significanceLevel: 0.05);

    [Fact]
    public void A_deterministic_eval_accepts_an_improvement_at_or_above_the_minimum()
    {
        var decision = Judge([0.70], [0.68], [0.75], [0.73]);

        Assert.Equal(BountyVerdictReason.Accepted, decision.Reason);
        Assert.Equal(0.05, decision.Improvement, 9);
    }

    [Fact]
    public void An_improvement_below_the_minimum_is_not_significant_and_none_is_not_improved()
    {
        Assert.Equal(BountyVerdictReason.NotSignificant, Judge([0.70], [0.68], [0.705], [0.685]).Reason);
        Assert.Equal(BountyVerdictReason.NotImproved, Judge([0.70], [0.68], [0.70], [0.68]).Reason);
        Assert.Equal(BountyVerdictReason.NotImproved, Judge([0.70], [0.68], [0.69], [0.60]).Reason);
    }

    [Fact]
    public void Minimize_counts_a_lower_score_as_the_improvement()
    {
        var decision = Judge([2.0], [2.1], [1.8], [1.9], MetricDirection.Minimize, min: 0.1);

        Assert.Equal(BountyVerdictReason.Accepted, decision.Reason);
        Assert.Equal(0.2, decision.Improvement, 9);
    }

    [Fact]
    public void A_public_gain_far_above_the_held_out_gain_is_a_suspicious_gap()
    {
        var decision = Judge([0.70], [0.68], [1.00], [0.70]);

        Assert.Equal(BountyVerdictReason.SuspiciousGap, decision.Reason);
        Assert.Contains("public gain", decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Noisy_repeats_whose_means_differ_by_less_than_their_spread_are_not_significant()
    {
        var decision = Judge([0.7, 0.7, 0.7], [0.60, 0.70, 0.65], [0.7, 0.7, 0.7], [0.62, 0.74, 0.69]);

        Assert.Equal(BountyVerdictReason.NotSignificant, decision.Reason);
        Assert.Contains("Welch", decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Noisy_repeats_that_all_clear_the_best_are_significant()
    {
        var decision = Judge([0.7, 0.7, 0.7], [0.60, 0.61, 0.62], [0.72, 0.72, 0.72], [0.70, 0.71, 0.72]);

        Assert.Equal(BountyVerdictReason.Accepted, decision.Reason);
    }
}
