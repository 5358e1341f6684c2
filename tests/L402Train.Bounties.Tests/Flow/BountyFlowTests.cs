using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using L402Train.Lightning;
using Xunit;

namespace L402Train.Bounties.Tests.Flow;

/// <summary>The bounty track on two silos and PostgreSQL: fund, submit, validate in the sandbox, merge, pay once, close.</summary>
public sealed class BountyFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_improving_diff_is_merged_and_its_reward_less_the_fee_is_paid_once()
    {
        await using var h = await BountyHarness.StartAsync(silos: 2);
        var id = await h.PostAndFundAsync(h.Terms(totalSat: 20_000, rate: 100_000, deadlineIn: TimeSpan.FromMinutes(30)));
        var aliceBefore = await h.Alice.GetBalanceAsync(Ct);

        var sid = await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, Edits.Tuned(h.BaselineConfig)), baseVersion: 0);
        var accepted = await h.SettledAsync(sid);

        Assert.True(accepted.Verdict!.Reason == BountyVerdictReason.Accepted, accepted.Verdict.Detail);
        Assert.Equal(DepositStatus.Refunded, accepted.Deposit);
        Assert.Equal(1, accepted.NewVersion);
        var improvement = accepted.Verdict.Improvement!.Value;
        // Paid on the improvement floored to the bounty's disclosure grid (its min_improvement), like agents see it.
        var terms = (await h.Bounty(id).GetAsync()).Posted!.Terms;
        var reward = Math.Min(20_000, (long)Math.Floor(100_000 * terms.Coarsen(improvement)));
        Assert.Equal(new Sats(reward), accepted.RewardSat);
        Assert.Equal(new Sats(reward * 5 / 100), accepted.FeeSat);
        var bounty = await h.Bounty(id).GetAsync();
        Assert.Equal(1, bounty.Version);
        Assert.Equal(accepted.Verdict.HeldOutScore!.Value, bounty.BestScore!.Value, 9);
        // 20 % of the agent's share is held back until the re-evaluation (BountyTerms.HoldbackPct's default).
        Assert.Equal(new Sats((reward - accepted.FeeSat.Value) * 20 / 100), accepted.HoldbackSat);
        Assert.Equal(new BountyPool(new Sats(20_000), Sats.Zero, accepted.FirstClaimSat, accepted.FeeSat, HeldSat: accepted.HoldbackSat), bounty.Pool);
        Assert.Equal(new Sats(20_000 - reward), bounty.Pool.RemainingSat);

        // Claim the reward less the fee and the holdback; a repeat of the same claim is idempotent and pays nothing more.
        var invoice = await h.Alice.CreateInvoiceAsync(new CreateInvoiceRequest(accepted.FirstClaimSat.ToMilliSats(), "reward", TimeSpan.FromHours(1)), Ct);
        Assert.Equal(ClaimOutcome.WrongAmount, await h.Submission(sid).ClaimAsync(invoice.Hash, invoice.PaymentRequest, accepted.RewardSat, new Sats(10)));
        Assert.Equal(ClaimOutcome.WrongAmount, await h.Submission(sid).ClaimAsync(invoice.Hash, invoice.PaymentRequest, accepted.PayoutSat, new Sats(10)));
        Assert.Equal(ClaimOutcome.Queued, await h.Submission(sid).ClaimAsync(invoice.Hash, invoice.PaymentRequest, accepted.FirstClaimSat, new Sats(10)));
        await h.WaitUntilAsync(async () => (await h.Submission(sid).GetAsync()).Reward == RewardStatus.Paid, "the reward to be paid");
        Assert.Equal(ClaimOutcome.AlreadyClaimed, await h.Submission(sid).ClaimAsync(invoice.Hash, invoice.PaymentRequest, accepted.FirstClaimSat, new Sats(10)));
        await h.WaitUntilAsync(async () => (await h.Bounty(id).GetAsync()).Pool.PaidSat > Sats.Zero, "the bounty to record the payout");

        var aliceAfter = await h.Alice.GetBalanceAsync(Ct);
        Assert.Equal(aliceBefore.Local + accepted.FirstClaimSat.ToMilliSats(), aliceAfter.Local);
        bounty = await h.Bounty(id).GetAsync();
        Assert.Equal(new BountyPool(new Sats(20_000), accepted.FirstClaimSat, Sats.Zero, accepted.FeeSat, HeldSat: accepted.HoldbackSat), bounty.Pool);
        Assert.True(Assert.Single(bounty.Leaderboard).Paid);

        // A diff against the old version is stale and forfeits its deposit.
        var stale = await h.SettledAsync(await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, h.BaselineConfig + "# stale\n"), baseVersion: 0));
        Assert.Equal(BountyVerdictReason.Stale, stale.Verdict!.Reason);
        Assert.Equal(DepositStatus.Forfeited, stale.Deposit);

        // The ledger holds the funding, the forfeited deposit, the payout and the fee kept, and matches the node.
        var ledger = await h.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        Assert.Equal(20_000 + BountyHarness.Deposit, ledger.TotalInSat);
        Assert.Equal(accepted.FirstClaimSat.Value, ledger.TotalOutSat);
        Assert.Equal(accepted.FeeSat.Value, ledger.TotalKeptSat);
        var reconciliation = await h.ReconcileAsync();
        Assert.True(reconciliation.Reconciled, $"ledger differs from the node by {reconciliation.DifferenceSat} sat");

        // At the deadline the bounty closes; what was left stays for the sponsor to take back.
        h.Clock.Advance(TimeSpan.FromMinutes(31));
        await h.WaitUntilAsync(async () => (await h.Bounty(id).GetAsync()).Status == BountyStatus.Closed, "the deadline to close the bounty");
        Assert.Equal(BountyCloseReason.Deadline, (await h.Bounty(id).GetAsync()).ClosedReason);
    }

    [Fact]
    public async Task A_sponsor_cancel_refunds_exactly_what_is_left_and_owed_rewards_stay_owed()
    {
        await using var h = await BountyHarness.StartAsync();
        var id = await h.PostAndFundAsync(h.Terms(totalSat: 12_345, rate: 50_000));
        var accepted = await h.SettledAsync(await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, Edits.Tuned(h.BaselineConfig)), baseVersion: 0));
        Assert.True(accepted.Verdict!.Reason == BountyVerdictReason.Accepted, accepted.Verdict.Detail);
        var left = (await h.Bounty(id).GetAsync()).Pool.RemainingSat;
        Assert.Equal(new Sats(12_345) - accepted.RewardSat, left);
        var sponsorBefore = await h.Sponsor.GetBalanceAsync(Ct);

        var wrong = await h.Sponsor.CreateInvoiceAsync(new CreateInvoiceRequest((left + new Sats(1)).ToMilliSats(), "refund", TimeSpan.FromHours(1)), Ct);
        Assert.Equal(CancelOutcome.WrongAmount, (await h.Bounty(id).CancelAsync(new RefundRequest(wrong.Hash, wrong.PaymentRequest, left + new Sats(1), new Sats(10)))).Outcome);
        Assert.Equal(CancelOutcome.InvoiceRequired, (await h.Bounty(id).CancelAsync(null)).Outcome);
        var refund = await h.Sponsor.CreateInvoiceAsync(new CreateInvoiceRequest(left.ToMilliSats(), "refund", TimeSpan.FromHours(1)), Ct);
        var request = new RefundRequest(refund.Hash, refund.PaymentRequest, left, new Sats(10));
        Assert.Equal(CancelOutcome.Queued, (await h.Bounty(id).CancelAsync(request)).Outcome);
        Assert.Equal(CancelOutcome.AlreadyQueued, (await h.Bounty(id).CancelAsync(request)).Outcome);
        await h.WaitUntilAsync(async () => (await h.Bounty(id).GetAsync()).Refund?.Status == RefundStatus.Paid, "the refund to be paid");

        var bounty = await h.Bounty(id).GetAsync();
        Assert.Equal(BountyStatus.Closed, bounty.Status);
        Assert.Equal(BountyCloseReason.Cancelled, bounty.ClosedReason);
        Assert.Equal(new BountyPool(new Sats(12_345), Sats.Zero, accepted.FirstClaimSat, accepted.FeeSat, left, accepted.HoldbackSat), bounty.Pool);
        Assert.Equal(Sats.Zero, bounty.Pool.RemainingSat);
        Assert.Equal(sponsorBefore.Local + left.ToMilliSats(), (await h.Sponsor.GetBalanceAsync(Ct)).Local);
        Assert.Equal(RewardStatus.Owed, (await h.Submission(accepted.Received!.PaymentHash.ToHex()).GetAsync()).Reward);
        var late = await h.SettledAsync(await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, h.BaselineConfig + "# late\n"), baseVersion: 1));
        Assert.Equal(BountyVerdictReason.Closed, late.Verdict!.Reason);
        Assert.Equal(DepositStatus.Refunded, late.Deposit);
        var reconciliation = await h.ReconcileAsync();
        Assert.True(reconciliation.Reconciled, $"ledger differs from the node by {reconciliation.DifferenceSat} sat");
    }
}
