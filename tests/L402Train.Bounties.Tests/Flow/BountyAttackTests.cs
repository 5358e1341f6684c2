using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Commitments;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Shipped;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using L402Train.Lightning;
using Xunit;

namespace L402Train.Bounties.Tests.Flow;

/// <summary>Gaming a bounty costs the deposit and earns nothing: bad diffs, public-set fitting, noise, copies.</summary>
public sealed class BountyAttackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Diff_attacks_are_rejected_with_their_reason_and_forfeit_the_deposit()
    {
        await using var h = await BountyHarness.StartAsync();
        var id = await h.PostAndFundAsync(h.Terms(maxDiffBytes: 4096, forbidden: ["system"]));
        var attacks = new Dictionary<DiffRejectionReason, string>
        {
            [DiffRejectionReason.PathTraversal] = "--- a/../classifier.conf\n+++ b/../classifier.conf\n@@ -1 +1 @@\n-a\n+b\n",
            [DiffRejectionReason.Symlink] = "diff --git a/classifier.conf b/classifier.conf\nnew file mode 120000\n--- /dev/null\n+++ b/classifier.conf\n@@ -0,0 +1 @@\n+/data/messages.tsv\n",
            [DiffRejectionReason.NonTargetFile] = UnifiedDiffWriter.Write("eval.sh", h.Shipped.Baseline["eval.sh"], "echo 1.0\n"),
            [DiffRejectionReason.BinaryPatch] = "diff --git a/classifier.conf b/classifier.conf\nindex 1111111..2222222 100644\nBinary files a/classifier.conf and b/classifier.conf differ\n",
            [DiffRejectionReason.Oversize] = Edits.Diff(h.BaselineConfig, h.BaselineConfig + "# " + new string('x', 5000) + "\n"),
            [DiffRejectionReason.ForbiddenPattern] = Edits.Diff(h.BaselineConfig, h.BaselineConfig + "lowercase = yes\" ; system(\"cat /data/*\")\n"),
        };
        var ids = new Dictionary<DiffRejectionReason, string>();
        foreach (var (reason, diff) in attacks) ids[reason] = await h.SubmitAsync(id, diff, baseVersion: 0, payer: h.Mallory);

        foreach (var (reason, sid) in ids)
        {
            var state = await h.SettledAsync(sid);
            Assert.True(state.Verdict!.Reason == BountyVerdictReason.DiffRejected && state.Verdict.DiffRejection == reason,
                $"{reason}: {state.Verdict.Code} {state.Verdict.Detail}");
            Assert.Equal($"diff_rejected:{DiffRejection.CodeOf(reason)}", state.Verdict.Code);
            Assert.Equal(DepositStatus.Forfeited, state.Deposit);
            Assert.Equal(Sats.Zero, state.RewardSat);
            Assert.Null(state.Verdict.HeldOutScores);
        }
        var ledger = await h.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        Assert.Equal(attacks.Count, ledger.Entries.Count(e => e.Purpose == InvoicePurpose.BountyDeposit && e.InSat == new Sats(BountyHarness.Deposit)));
        Assert.Equal(0, (await h.Bounty(id).GetAsync()).Version);
    }

    [Fact]
    public async Task Hard_coding_the_public_answers_gets_the_public_canaries_right_and_is_rejected_as_canary_failed()
    {
        await using var h = await BountyHarness.StartAsync();
        var id = await h.PostAndFundAsync(h.Terms());
        var gamed = ShippedBounty.HardCodePublicAnswers(h.BaselineConfig, h.Shipped.PublicSet[ShippedBounty.MessagesFile]);

        var state = await h.SettledAsync(await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, gamed), baseVersion: 0, payer: h.Mallory));

        var bounty = await h.Bounty(id).GetAsync();
        Assert.True(state.Verdict!.Reason == BountyVerdictReason.CanaryFailed, state.Verdict.Detail);
        Assert.Equal("canary_failed", state.Verdict.Code);
        Assert.Contains($"{ShippedBounty.CanaryCount}/{ShippedBounty.CanaryCount} public canary items right but 0/{ShippedBounty.CanaryCount}", state.Verdict.Detail, StringComparison.Ordinal);
        Assert.Equal(DepositStatus.Forfeited, state.Deposit);
        Assert.Equal(Sats.Zero, state.RewardSat);
        Assert.Equal(0, bounty.Version);
    }

    [Fact]
    public async Task Hard_coding_the_public_answers_but_the_canaries_raises_the_public_score_only_and_is_rejected_as_a_suspicious_gap()
    {
        await using var h = await BountyHarness.StartAsync();
        var id = await h.PostAndFundAsync(h.Terms());
        var canaries = h.Shipped.PublicSet[ShippedBounty.CanariesFile].Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var withoutCanaries = string.Concat(h.Shipped.PublicSet[ShippedBounty.MessagesFile].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !canaries.Contains(line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..])).Select(line => line + "\n"));
        var gamed = ShippedBounty.HardCodePublicAnswers(h.BaselineConfig, withoutCanaries);

        var state = await h.SettledAsync(await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, gamed), baseVersion: 0, payer: h.Mallory));

        var bounty = await h.Bounty(id).GetAsync();
        Assert.True(state.Verdict!.Reason == BountyVerdictReason.SuspiciousGap, state.Verdict.Detail);
        Assert.True(state.Verdict.PublicScore > bounty.BestPublicScores!.Average() + 0.1, state.Verdict.Detail);
        Assert.Equal(DepositStatus.Forfeited, state.Deposit);
        Assert.Equal(Sats.Zero, state.RewardSat);
        Assert.Equal(0, bounty.Version);
    }

    [Fact]
    public async Task A_noisy_eval_pays_nothing_for_a_change_that_does_not_improve()
    {
        await using var h = await BountyHarness.StartAsync();
        var id = await h.PostAndFundAsync(h.Terms(evalCommand: ShippedBounty.NoisyEvalCommand, repeats: 5, minImprovement: 0.05));

        var state = await h.SettledAsync(await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, h.BaselineConfig + "# tuned by luck\n"), baseVersion: 0));

        Assert.Contains(state.Verdict!.Reason, new[] { BountyVerdictReason.NotImproved, BountyVerdictReason.NotSignificant });
        Assert.Equal(5, state.Verdict.HeldOutScores!.Count);
        Assert.True(state.Verdict.HeldOutScores.Distinct().Count() > 1, "the noisy eval should score different samples");
        Assert.Equal(Sats.Zero, state.RewardSat);
        Assert.Equal(RewardStatus.None, state.Reward);
        var bounty = await h.Bounty(id).GetAsync();
        Assert.Equal(0, bounty.Version);
        Assert.Equal(bounty.Pool.TotalSat, bounty.Pool.RemainingSat);
    }

    [Fact]
    public async Task A_front_running_copy_loses_to_the_earlier_commitment()
    {
        await using var h = await BountyHarness.StartAsync(validators: false);
        var id = await h.PostAndFundAsync(h.Terms());
        var diff = Edits.Diff(h.BaselineConfig, Edits.Tuned(h.BaselineConfig));
        var alice = await h.Bounty(id).CommitAsync(DiffCommitment.Of(diff, "alice-nonce"), "alice");
        Assert.Equal(1, alice.Record!.Sequence);
        Assert.Equal(1, (await h.Bounty(id).CommitAsync(DiffCommitment.Of(diff, "alice-nonce"), "alice")).Record!.Sequence);

        // Mallory sees the diff, commits to it herself (later) and gets her submission in first.
        Assert.Equal(2, (await h.Bounty(id).CommitAsync(DiffCommitment.Of(diff, "mallory-nonce"), "mallory")).Record!.Sequence);
        var copy = await h.SubmitAsync(id, diff, baseVersion: 0, payer: h.Mallory, nonce: "mallory-nonce");
        var original = await h.SubmitAsync(id, diff, baseVersion: 0, payer: h.Alice, nonce: "alice-nonce");
        h.Validators = true;
        await h.Cluster.RestartSiloAsync(0);

        var copied = await h.SettledAsync(copy);
        var credited = await h.SettledAsync(original);
        Assert.Equal(BountyVerdictReason.Copied, copied.Verdict!.Reason);
        Assert.Equal(original, copied.Verdict.CreditedTo);
        Assert.Equal(DepositStatus.Forfeited, copied.Deposit);
        Assert.True(credited.Verdict!.Reason == BountyVerdictReason.Accepted, credited.Verdict.Detail);
        Assert.Equal(original, Assert.Single((await h.Bounty(id).GetAsync()).Leaderboard).SubmissionId);
    }

    [Fact]
    public async Task Two_improvements_on_the_same_version_merge_once_and_the_later_one_is_superseded_with_its_deposit_refunded()
    {
        await using var h = await BountyHarness.StartAsync(validators: false);
        var id = await h.PostAndFundAsync(h.Terms());
        var first = await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, Edits.Tuned(h.BaselineConfig)), baseVersion: 0);
        var second = await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, Edits.Tuned(h.BaselineConfig).Replace("threshold = 0.8", "threshold = 0.7", StringComparison.Ordinal)),
            baseVersion: 0, payer: h.Mallory);
        h.Validators = true;
        await h.Cluster.RestartSiloAsync(0);

        var verdicts = new[] { await h.SettledAsync(first), await h.SettledAsync(second) };

        Assert.Single(verdicts, v => v.Verdict!.Reason == BountyVerdictReason.Accepted);
        var superseded = Assert.Single(verdicts, v => v.Verdict!.Reason == BountyVerdictReason.Superseded);
        Assert.Equal(DepositStatus.Refunded, superseded.Deposit);
        Assert.Equal(Sats.Zero, superseded.RewardSat);
        Assert.Equal(1, (await h.Bounty(id).GetAsync()).Version);
    }

    [Fact]
    public async Task An_unpaid_funding_invoice_expires_and_closes_the_bounty()
    {
        await using var h = await BountyHarness.StartAsync(rules: new BountyRules { FundingInvoiceExpiry = TimeSpan.FromMinutes(2) });
        var posted = await new BountyPublisher(h.Grains, h.Blobs, h.Network.Coordinator, h.Rules)
            .PublishAsync(h.Terms(), ShippedBounty.BaselineArchive(h.Shipped), ShippedBounty.HeldOutArchive(h.Shipped), Ct);
        Assert.Equal(BountyStatus.AwaitingFunding, (await h.Bounty(posted.Id).GetAsync()).Status);

        h.Clock.Advance(TimeSpan.FromMinutes(3));
        await h.WaitUntilAsync(async () => (await h.Bounty(posted.Id).GetAsync()).Status == BountyStatus.Closed, "the unfunded bounty to close");

        Assert.Equal(BountyCloseReason.FundingExpired, (await h.Bounty(posted.Id).GetAsync()).ClosedReason);
        Assert.Equal(Sats.Zero, (await h.Bounty(posted.Id).GetAsync()).Pool.TotalSat);
        Assert.Equal(CancelOutcome.NothingToRefund, (await h.Bounty(posted.Id).CancelAsync(null)).Outcome);
        Assert.Empty((await h.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync()).Entries);
    }

    [Fact]
    public async Task The_reward_is_paid_exactly_once_when_the_silo_dies_between_verdict_and_payout()
    {
        await using var h = await BountyHarness.StartAsync(silos: 2);
        var id = await h.PostAndFundAsync(h.Terms());
        var sid = await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, Edits.Tuned(h.BaselineConfig)), baseVersion: 0);
        var accepted = await h.SettledAsync(sid);
        Assert.True(accepted.Verdict!.Reason == BountyVerdictReason.Accepted, accepted.Verdict.Detail);

        // No silo pays: the claim commits its payment job, then the silo holding it dies.
        h.Settlers = false;
        await h.Cluster.RestartSiloAsync(0);
        await h.Cluster.RestartSiloAsync(1);
        var aliceBefore = await h.Alice.GetBalanceAsync(Ct);
        var invoice = await h.Alice.CreateInvoiceAsync(new CreateInvoiceRequest(accepted.FirstClaimSat.ToMilliSats(), "reward", TimeSpan.FromHours(1)), Ct);
        Assert.Equal(ClaimOutcome.Queued, await h.Cluster.GrainFactory(0).GetGrain<IBountySubmissionGrain>(sid)
            .ClaimAsync(invoice.Hash, invoice.PaymentRequest, accepted.FirstClaimSat, new Sats(10)));
        await h.Cluster.KillSiloAsync(0);

        h.Settlers = true;
        await h.Cluster.RestartSiloAsync(0);
        await h.Cluster.RestartSiloAsync(1);
        await h.WaitUntilAsync(async () => (await h.Bounty(id).GetAsync()).Leaderboard.Single().Paid, "the reward to be paid after the restart");
        var job = new RewardJob(invoice.Hash, invoice.PaymentRequest, accepted.FirstClaimSat, new Sats(10), InvoicePurpose.BountyPayout, BountySubmissionGrain.OwnerKind, sid);
        Assert.False(await h.Cluster.Silo(0).EnqueueJobAsync(job.ToRequest(), Ct));

        Assert.Equal(aliceBefore.Local + accepted.FirstClaimSat.ToMilliSats(), (await h.Alice.GetBalanceAsync(Ct)).Local);
        Assert.Equal(InvoiceState.Settled, (await h.Alice.LookupInvoiceAsync(invoice.Hash, Ct))!.State);
        var ledger = await h.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        Assert.Equal(accepted.FirstClaimSat, Assert.Single(ledger.Entries, e => e.Purpose == InvoicePurpose.BountyPayout).OutSat);
        Assert.Equal(new BountyPool(new Sats(20_000), accepted.FirstClaimSat, Sats.Zero, accepted.FeeSat, HeldSat: accepted.HoldbackSat), (await h.Bounty(id).GetAsync()).Pool);
        var reconciliation = await h.ReconcileAsync();
        Assert.True(reconciliation.Reconciled, $"ledger differs from the node by {reconciliation.DifferenceSat} sat");
    }
}
