using L402Train.Bounties.Shipped;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using L402Train.Lightning;
using Xunit;

namespace L402Train.Bounties.Tests.Flow;

/// <summary>The temporal holdback: part of each reward is paid only after a re-evaluation on a fresh held-out slice.</summary>
public sealed class HoldbackTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMinutes(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task The_holdback_is_paid_after_the_delay_when_the_improvement_holds_up_and_exactly_once_across_a_silo_restart(string store)
    {
        await using var h = await BountyHarness.StartAsync(silos: 2, store: store);
        var id = await h.PostAndFundAsync(h.Terms() with { HoldbackDelay = Delay });
        var sid = await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, Edits.Tuned(h.BaselineConfig)), baseVersion: 0);
        var accepted = await h.SettledAsync(sid);
        Assert.True(accepted.Verdict!.Reason == BountyVerdictReason.Accepted, accepted.Verdict.Detail);
        Assert.Equal(HoldbackStatus.Held, accepted.Holdback);
        Assert.Equal(new Sats(accepted.PayoutSat.Value * 20 / 100), accepted.HoldbackSat);
        // Due the delay after the merge: both stamped by the bounty in one turn. The submission's
        // DecidedAt is read in its own grain's turn, which the harness's fake clock may pass a second later.
        var merged = Assert.Single((await h.Bounty(id).GetAsync()).Leaderboard);
        Assert.Equal(merged.AcceptedAt + Delay, accepted.HoldbackDueAt);
        Assert.Equal(merged.HoldbackDueAt, accepted.HoldbackDueAt);

        // The first claim pays the payout less the holdback; the holdback is not claimable yet.
        await ClaimAndWaitAsync(h, sid, accepted.FirstClaimSat, s => s.Reward == RewardStatus.Paid);
        var early = await h.Alice.CreateInvoiceAsync(new CreateInvoiceRequest(accepted.HoldbackSat.ToMilliSats(), "early", TimeSpan.FromHours(1)), Ct);
        Assert.Equal(ClaimOutcome.NothingOwed, await h.Submission(sid).ClaimAsync(early.Hash, early.PaymentRequest, accepted.HoldbackSat, new Sats(10)));

        // With the holdback outstanding the ledger still matches the node: held sats never left the funding.
        var pool = (await h.Bounty(id).GetAsync()).Pool;
        Assert.Equal(accepted.HoldbackSat, pool.HeldSat);
        var outstanding = await h.ReconcileAsync();
        Assert.True(outstanding.Reconciled, $"ledger differs from the node by {outstanding.DifferenceSat} sat with a holdback outstanding");

        // Just before the delay nothing is re-evaluated; after it the improvement holds up on the holdback slice.
        h.Clock.Advance(Delay - TimeSpan.FromSeconds(30));
        Assert.Equal(HoldbackStatus.Held, (await h.Submission(sid).GetAsync()).Holdback);
        h.Clock.Advance(TimeSpan.FromSeconds(31));
        await h.WaitUntilAsync(async () => (await h.Submission(sid).GetAsync()).Holdback == HoldbackStatus.Released, "the holdback to be released");
        Assert.Contains("held up", (await h.Submission(sid).GetAsync()).HoldbackDetail, StringComparison.Ordinal);
        pool = (await h.Bounty(id).GetAsync()).Pool;
        Assert.Equal(Sats.Zero, pool.HeldSat);
        Assert.Equal(accepted.HoldbackSat, pool.OwedSat);

        // The holdback claim commits its payment job, then the silo holding it dies before anything pays.
        h.Settlers = false;
        await h.Cluster.RestartSiloAsync(0);
        await h.Cluster.RestartSiloAsync(1);
        var aliceBefore = await h.Alice.GetBalanceAsync(Ct);
        var invoice = await h.Alice.CreateInvoiceAsync(new CreateInvoiceRequest(accepted.HoldbackSat.ToMilliSats(), "holdback", TimeSpan.FromHours(1)), Ct);
        var submission = h.Cluster.GrainFactory(0).GetGrain<IBountySubmissionGrain>(sid);
        Assert.Equal(ClaimOutcome.WrongAmount, await submission.ClaimAsync(invoice.Hash, invoice.PaymentRequest, accepted.PayoutSat, new Sats(10)));
        Assert.Equal(ClaimOutcome.Queued, await submission.ClaimAsync(invoice.Hash, invoice.PaymentRequest, accepted.HoldbackSat, new Sats(10)));
        await h.Cluster.KillSiloAsync(0);
        h.Settlers = true;
        await h.Cluster.RestartSiloAsync(0);
        await h.Cluster.RestartSiloAsync(1);
        await h.WaitUntilAsync(async () => (await h.Submission(sid).GetAsync()).Holdback == HoldbackStatus.Paid, "the holdback to be paid after the restart");
        await h.WaitUntilAsync(async () => (await h.Bounty(id).GetAsync()).Leaderboard.Single().Holdback == HoldbackStatus.Paid, "the bounty to record it");

        // Repeats change nothing: the same claim, the same payment job, a late re-run of the re-evaluation saying otherwise.
        Assert.Equal(ClaimOutcome.AlreadyClaimed, await h.Submission(sid).ClaimAsync(invoice.Hash, invoice.PaymentRequest, accepted.HoldbackSat, new Sats(10)));
        var job = new RewardJob(invoice.Hash, invoice.PaymentRequest, accepted.HoldbackSat, new Sats(10), InvoicePurpose.BountyHoldback, BountySubmissionGrain.OwnerKind, sid);
        Assert.False(await h.Cluster.Silo(0).EnqueueJobAsync(job.ToRequest(), Ct));
        Assert.Equal(HoldbackStatus.Paid, (await h.Submission(sid).ResolveHoldbackAsync(heldUp: false, detail: "a contrary re-run")).Holdback);

        Assert.Equal(aliceBefore.Local + accepted.HoldbackSat.ToMilliSats(), (await h.Alice.GetBalanceAsync(Ct)).Local);
        var ledger = await h.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        Assert.Equal(accepted.HoldbackSat, Assert.Single(ledger.Entries, e => e.Purpose == InvoicePurpose.BountyHoldback).OutSat);
        Assert.Equal(accepted.FirstClaimSat, Assert.Single(ledger.Entries, e => e.Purpose == InvoicePurpose.BountyPayout).OutSat);
        Assert.Equal(new BountyPool(new Sats(20_000), accepted.PayoutSat, Sats.Zero, accepted.FeeSat), (await h.Bounty(id).GetAsync()).Pool);
        var reconciliation = await h.ReconcileAsync();
        Assert.True(reconciliation.Reconciled, $"ledger differs from the node by {reconciliation.DifferenceSat} sat");
    }

    [Fact]
    public async Task A_leaked_held_out_fit_does_not_hold_up_on_the_fresh_slice_and_its_holdback_returns_to_the_pool()
    {
        await using var h = await BountyHarness.StartAsync();
        var id = await h.PostAndFundAsync(h.Terms() with { HoldbackDelay = Delay });
        // A diff that knows the held-out answers (a leak): it wins on the held-out set, and on nothing else.
        var leaked = ShippedBounty.HardCodePublicAnswers(h.BaselineConfig, h.Shipped.HeldOutSet[ShippedBounty.MessagesFile]);
        var sid = await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, leaked), baseVersion: 0, payer: h.Mallory);
        var accepted = await h.SettledAsync(sid);
        Assert.True(accepted.Verdict!.Reason == BountyVerdictReason.Accepted, accepted.Verdict.Detail);
        Assert.True(accepted.HoldbackSat > Sats.Zero);
        var remainingBefore = (await h.Bounty(id).GetAsync()).Pool.RemainingSat;

        h.Clock.Advance(Delay + TimeSpan.FromSeconds(1));
        await h.WaitUntilAsync(async () => (await h.Submission(sid).GetAsync()).Holdback == HoldbackStatus.Forfeited, "the holdback to be forfeited");

        var state = await h.Submission(sid).GetAsync();
        Assert.Contains("did not hold up", state.HoldbackDetail, StringComparison.Ordinal);
        var bounty = await h.Bounty(id).GetAsync();
        Assert.Equal(HoldbackStatus.Forfeited, bounty.Leaderboard.Single().Holdback);
        Assert.Equal(Sats.Zero, bounty.Pool.HeldSat);
        Assert.Equal(remainingBefore + accepted.HoldbackSat, bounty.Pool.RemainingSat);
        var invoice = await h.Mallory.CreateInvoiceAsync(new CreateInvoiceRequest(accepted.HoldbackSat.ToMilliSats(), "holdback", TimeSpan.FromHours(1)), Ct);
        await ClaimAndWaitAsync(h, sid, accepted.FirstClaimSat, s => s.Reward == RewardStatus.Paid, h.Mallory);
        Assert.Equal(ClaimOutcome.NothingOwed, await h.Submission(sid).ClaimAsync(invoice.Hash, invoice.PaymentRequest, accepted.HoldbackSat, new Sats(10)));
        var ledger = await h.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        Assert.DoesNotContain(ledger.Entries, e => e.Purpose == InvoicePurpose.BountyHoldback);
        var reconciliation = await h.ReconcileAsync();
        Assert.True(reconciliation.Reconciled, $"ledger differs from the node by {reconciliation.DifferenceSat} sat");
    }

    [Fact]
    public async Task A_holdback_paid_before_its_release_reached_the_bounty_is_booked_once_and_a_late_release_changes_nothing()
    {
        await using var h = await BountyHarness.StartAsync(validators: true);
        var id = await h.PostAndFundAsync(h.Terms() with { HoldbackDelay = Delay });
        var sid = await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, Edits.Tuned(h.BaselineConfig)), baseVersion: 0);
        var accepted = await h.SettledAsync(sid);
        Assert.True(accepted.Verdict!.Reason == BountyVerdictReason.Accepted, accepted.Verdict.Detail);
        var before = (await h.Bounty(id).GetAsync()).Pool;

        // A crash between the submission's release and the bounty's: the holdback's payment arrives at the bounty first.
        await h.Bounty(id).HoldbackPaidAsync(sid);
        await h.Bounty(id).HoldbackPaidAsync(sid);
        await h.Bounty(id).HoldbackResolvedAsync(sid, released: true);

        var bounty = await h.Bounty(id).GetAsync();
        Assert.Equal(HoldbackStatus.Paid, bounty.Leaderboard.Single().Holdback);
        Assert.Equal(before with { HeldSat = Sats.Zero, PaidSat = before.PaidSat + accepted.HoldbackSat }, bounty.Pool);
    }

    private static async Task ClaimAndWaitAsync(BountyHarness h, string sid, Sats amount, Func<BountySubmissionState, bool> done, L402Train.Lightning.Simnet.SimnetNode? payee = null)
    {
        var node = payee ?? h.Alice;
        var invoice = await node.CreateInvoiceAsync(new CreateInvoiceRequest(amount.ToMilliSats(), "reward", TimeSpan.FromHours(1)), Ct);
        Assert.Equal(ClaimOutcome.Queued, await h.Submission(sid).ClaimAsync(invoice.Hash, invoice.PaymentRequest, amount, new Sats(10)));
        await h.WaitUntilAsync(async () => done(await h.Submission(sid).GetAsync()), "the claim to be paid");
    }
}
