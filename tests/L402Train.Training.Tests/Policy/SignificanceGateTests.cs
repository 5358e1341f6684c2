using FsCheck;
using FsCheck.Fluent;
using L402Train.Grains.Training;
using Xunit;

namespace L402Train.Training.Tests.Policy;

public class SignificanceGateTests
{
    private static readonly RewardSchedule Schedule = new()
    {
        HeldOutBatches = 8, MinImprovedBatches = 6, SignificanceZ = 2, MinRewardedScore = 0.001, FullQualityScore = 0.02, BaseRateSat = 5_000,
    };

    private static double[] Before => [3.0, 3.1, 2.9, 3.2, 3.0, 3.05, 2.95, 3.1];

    [Fact]
    public void Consistent_improvement_is_accepted_with_quality_proportional_to_score()
    {
        var after = Before.Select(b => b * 0.99).ToArray();
        var verdict = SignificanceGate.Judge(Before, after, Schedule);
        Assert.Equal(VerdictReason.Accepted, verdict.Reason);
        Assert.Equal(0.01, verdict.Score, 1e-12);
        Assert.Equal(0.5, verdict.Quality, 1e-9);
        Assert.Equal(DepositAction.Refund, verdict.Deposit);
        Assert.Equal(2_500, SignificanceGate.Reward(verdict, Schedule, budgetLeftSat: 1_000_000));
    }

    [Fact]
    public void Quality_is_capped_at_one_and_reward_at_the_budget_left()
    {
        var after = Before.Select(b => b * 0.9).ToArray();
        var verdict = SignificanceGate.Judge(Before, after, Schedule);
        Assert.Equal(1.0, verdict.Quality);
        Assert.Equal(5_000, SignificanceGate.Reward(verdict, Schedule, 1_000_000));
        Assert.Equal(1_234, SignificanceGate.Reward(verdict, Schedule, 1_234));
        Assert.Equal(0, SignificanceGate.Reward(verdict, Schedule, 0));
    }

    [Fact]
    public void A_zero_update_is_harmful_and_forfeits_the_deposit()
    {
        var verdict = SignificanceGate.Judge(Before, Before, Schedule);
        Assert.Equal(VerdictReason.Harmful, verdict.Reason);
        Assert.Equal(DepositAction.Forfeit, verdict.Deposit);
        Assert.Equal(0, SignificanceGate.Reward(verdict, Schedule, 1_000_000));
    }

    [Fact]
    public void A_poisoned_update_that_raises_loss_is_harmful()
    {
        var after = Before.Select(b => b * 1.5).ToArray();
        Assert.Equal(VerdictReason.Harmful, SignificanceGate.Judge(Before, after, Schedule).Reason);
    }

    [Fact]
    public void Non_finite_loss_after_the_update_is_harmful()
    {
        var after = Before.ToArray();
        after[3] = double.NaN;
        Assert.Equal(VerdictReason.Harmful, SignificanceGate.Judge(Before, after, Schedule).Reason);
    }

    [Fact]
    public void Noise_that_helps_on_average_but_on_few_batches_is_refunded_without_reward()
    {
        // Big gain on two batches, small losses on six: mean > 0 but not significant.
        double[] factors = [0.90, 0.92, 1.001, 1.002, 1.001, 1.003, 1.002, 1.001];
        var after = Before.Zip(factors, (b, f) => b * f).ToArray();
        var verdict = SignificanceGate.Judge(Before, after, Schedule);
        Assert.Equal(VerdictReason.BelowThreshold, verdict.Reason);
        Assert.Equal(DepositAction.Refund, verdict.Deposit);
        Assert.Equal(0, SignificanceGate.Reward(verdict, Schedule, 1_000_000));
    }

    [Fact]
    public void A_significant_but_tiny_improvement_below_tau_earns_no_reward()
    {
        var after = Before.Select(b => b * 0.9995).ToArray();
        var verdict = SignificanceGate.Judge(Before, after, Schedule);
        Assert.Equal(VerdictReason.BelowThreshold, verdict.Reason);
        Assert.True(verdict.Score > 0);
    }

    [Fact]
    public void Verdicts_follow_the_money_table_for_every_reason()
    {
        foreach (var reason in Enum.GetValues<VerdictReason>())
        {
            var expected = reason switch
            {
                VerdictReason.Accepted or VerdictReason.BelowThreshold or VerdictReason.ValidatorError => DepositAction.Refund,
                VerdictReason.DepositExpired => DepositAction.None,
                _ => DepositAction.Forfeit,
            };
            Assert.Equal(expected, new SubmissionVerdict(reason, 0, 0, "").Deposit);
        }
    }

    [Fact]
    public void Reward_never_exceeds_base_rate_or_budget_and_is_zero_unless_accepted()
    {
        var gen = Gen.Choose(1, 8).SelectMany(_ => Gen.ArrayOf(Gen.Choose(800, 1200), 8)).Zip(Gen.Choose(0, 100_000));
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (factors, budget) = t;
            var after = Before.Zip(factors, (b, f) => b * f / 1000.0).ToArray();
            var verdict = SignificanceGate.Judge(Before, after, Schedule);
            var reward = SignificanceGate.Reward(verdict, Schedule, budget);
            return reward >= 0 && reward <= Schedule.BaseRateSat && reward <= budget
                && (verdict.Reason == VerdictReason.Accepted || reward == 0)
                && (verdict.Score > 0 || verdict.Deposit == DepositAction.Forfeit);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Default_schedule_is_valid_and_bad_fields_are_named()
    {
        Assert.Null(new RewardSchedule().Validate());
        Assert.Contains("deposit_sat", new RewardSchedule { DepositSat = 0 }.Validate());
        Assert.Contains("min_improved_batches", new RewardSchedule { MinImprovedBatches = 99 }.Validate());
    }
}
