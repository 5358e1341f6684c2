using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using L402Train.Lightning;

namespace L402Train.Grains.Tests.Payments;

/// <summary>
/// The one claim flow both submission kinds use (<see cref="SubmissionMoney.Claim"/>): a training
/// reward (no fee, no holdback) and a bounty reward (a fee and a holdback) go through the same
/// outcomes, and the bounty's released holdback is a second claim with the same life cycle.
/// </summary>
public sealed class SubmissionMoneyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
    private static readonly PaymentHash First = Hash('1');
    private static readonly PaymentHash Second = Hash('2');

    public static TheoryData<string> Kinds => new("training", "bounty");

    // Training: 5,000 sat granted. Bounty: 14,000 granted, 700 fee, 2,660 held back, so the first claim is 10,640.
    private static SubmissionMoney Accepted(string kind) => kind == "training"
        ? new SubmissionMoney().DepositDecided(DepositAction.Refund).Granted(new Sats(5_000))
        : new SubmissionMoney().DepositDecided(DepositAction.Refund).Granted(new Sats(14_000), new Sats(700), new Sats(2_660), Now.AddMinutes(10));

    private static PaymentHash Hash(char c) => PaymentHash.FromHex(new string(c, 64));

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_claim_must_be_for_exactly_the_first_part_and_queues_it_once(string kind)
    {
        var money = Accepted(kind);
        var due = money.FirstClaimSat;
        Assert.Equal(RewardStatus.Owed, money.Reward.Status);
        Assert.Equal(due, money.ClaimableSat);

        Assert.Equal(ClaimOutcome.WrongAmount, money.Claim(First, due + new Sats(1)).Outcome);
        if (kind == "bounty") Assert.Equal(ClaimOutcome.WrongAmount, money.Claim(First, money.PayoutSat).Outcome); // the fee and the holdback are not the agent's yet
        var queued = money.Claim(First, due);
        Assert.Equal((ClaimOutcome.Queued, ClaimPart.Reward), (queued.Outcome, queued.Part));
        Assert.Equal((RewardStatus.Paying, First), (queued.Money.Reward.Status, queued.Money.Reward.PaymentHash));
        Assert.Equal(ClaimOutcome.WrongAmount, money.Claim(First, due - new Sats(1)).Outcome);

        // A repeat with the same invoice is idempotent and changes nothing; another invoice waits for this one.
        var paying = queued.Money;
        Assert.Equal(new MoneyClaim(ClaimOutcome.AlreadyClaimed, ClaimPart.Reward, paying), paying.Claim(First, due));
        Assert.Equal(new MoneyClaim(ClaimOutcome.OtherClaimInFlight, ClaimPart.Reward, paying), paying.Claim(Second, due));

        // Paid: the same invoice is still a repeat; another is owed nothing (the holdback is not released).
        var paid = paying.Paid(First, Now);
        Assert.Equal((RewardStatus.Paid, (DateTimeOffset?)Now), (paid.Reward.Status, paid.Reward.PaidAt));
        Assert.Equal(paid, paid.Paid(First, Now.AddHours(1)));
        Assert.Equal(ClaimOutcome.AlreadyClaimed, paid.Claim(First, due).Outcome);
        Assert.Equal(ClaimOutcome.NothingOwed, paid.Claim(Second, due).Outcome);
        Assert.Equal(Sats.Zero, paid.ClaimableSat);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_failed_payment_makes_the_claim_owed_again_and_a_new_invoice_is_queued(string kind)
    {
        var paying = Accepted(kind).Claim(First, Accepted(kind).FirstClaimSat).Money;

        // A failure reported for another invoice (a stale job) changes nothing.
        Assert.Equal(paying, paying.PaymentFailed(Second, "no route"));
        var failed = paying.PaymentFailed(First, "no route");
        Assert.Equal((RewardStatus.Owed, "no route"), (failed.Reward.Status, failed.Reward.Failure));

        var again = failed.Claim(Second, failed.FirstClaimSat);
        Assert.Equal(ClaimOutcome.Queued, again.Outcome);
        Assert.Equal((RewardStatus.Paying, Second, (string?)null), (again.Money.Reward.Status, again.Money.Reward.PaymentHash, again.Money.Reward.Failure));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Nothing_is_owed_without_a_reward_and_the_deposit_resolves_once(string kind)
    {
        var rejected = new SubmissionMoney().DepositDecided(DepositAction.Forfeit).Granted(Sats.Zero);
        Assert.Equal(ClaimOutcome.NothingOwed, rejected.Claim(First, Sats.Zero).Outcome);
        Assert.Equal(RewardStatus.None, rejected.Reward.Status);
        Assert.Equal(DepositStatus.Forfeiting, rejected.Deposit.Status);

        var accepted = Accepted(kind);
        Assert.Equal(DepositStatus.Refunding, accepted.Deposit.Status);
        var refunded = accepted.DepositResolved(DepositResolution.ExpiredBeforeSettle, Now);
        Assert.Equal((DepositStatus.Refunded, true, (DateTimeOffset?)Now), (refunded.Deposit.Status, refunded.Deposit.Expired, refunded.Deposit.ResolvedAt));
        Assert.Equal(refunded, refunded.DepositResolved(DepositResolution.Forfeited, Now.AddHours(1)));
    }

    [Fact]
    public void A_released_holdback_is_a_second_claim_with_the_same_life_cycle()
    {
        var paid = Accepted("bounty").Claim(First, new Sats(10_640)).Money.Paid(First, Now);
        var held = new Sats(2_660);
        Assert.Equal(HoldbackStage.Held, paid.Holdback.Stage);
        Assert.Equal(ClaimOutcome.NothingOwed, paid.Claim(Second, held).Outcome);

        var released = paid.HoldbackResolved(heldUp: true, "held up", Now);
        Assert.Equal(released, released.HoldbackResolved(heldUp: false, "a contrary re-run", Now));
        Assert.Equal(held, released.ClaimableSat);
        Assert.Equal(ClaimOutcome.WrongAmount, released.Claim(Second, released.PayoutSat).Outcome);
        var queued = released.Claim(Second, held);
        Assert.Equal((ClaimOutcome.Queued, ClaimPart.Holdback), (queued.Outcome, queued.Part));
        Assert.Equal(ClaimOutcome.AlreadyClaimed, queued.Money.Claim(Second, held).Outcome);
        Assert.Equal(ClaimOutcome.AlreadyClaimed, queued.Money.Claim(First, new Sats(10_640)).Outcome);
        Assert.Equal(ClaimOutcome.OtherClaimInFlight, queued.Money.Claim(Hash('3'), held).Outcome);

        Assert.Equal(ClaimPart.Holdback, queued.Money.PartPaidBy(Second));
        Assert.Equal(ClaimPart.Reward, queued.Money.PartPaidBy(First));
        var failed = queued.Money.PaymentFailed(Second, "expired");
        Assert.Equal((RewardStatus.Owed, RewardStatus.Paid), (failed.Holdback.Claim.Status, failed.Reward.Status));
        var done = queued.Money.Paid(Second, Now);
        Assert.Equal((RewardStatus.Paid, RewardStatus.Paid, Sats.Zero), (done.Holdback.Claim.Status, done.Reward.Status, done.ClaimableSat));

        var forfeited = paid.HoldbackResolved(heldUp: false, "did not hold up", Now);
        Assert.Equal((HoldbackStage.Forfeited, RewardStatus.None), (forfeited.Holdback.Stage, forfeited.Holdback.Claim.Status));
        Assert.Equal(ClaimOutcome.NothingOwed, forfeited.Claim(Second, held).Outcome);
    }

    [Fact]
    public void A_reward_all_held_back_owes_no_first_claim_until_the_release()
    {
        var money = new SubmissionMoney().Granted(new Sats(1_000), new Sats(50), new Sats(950), Now);
        Assert.Equal((RewardStatus.None, Sats.Zero), (money.Reward.Status, money.FirstClaimSat));
        Assert.Equal(ClaimOutcome.NothingOwed, money.Claim(First, new Sats(950)).Outcome);
        Assert.Equal(ClaimOutcome.Queued, money.HoldbackResolved(heldUp: true, "held up", Now).Claim(First, new Sats(950)).Outcome);
    }
}
