using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using L402Train.Lightning;
using Xunit;

namespace L402Train.Training.Tests.Cluster;

/// <summary>
/// Three honest peers for three rounds on two silos sharing PostgreSQL: every job may run on
/// either silo and every grain call goes through either, yet the held-out loss falls, each
/// deposit is refunded, each reward is paid exactly once and the ledger matches the node.
/// </summary>
public class TwoSiloTrainingTests
{
    private const int Peers = 3;
    private const int Rounds = 3;
    private const long PeerFundingSat = 100_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_honest_peers_train_three_rounds_on_two_silos_and_the_ledger_reconciles()
    {
        var schedule = new RewardSchedule
        {
            RoundQuota = Peers, RoundDuration = TimeSpan.FromHours(1), HeldOutBatches = 4, MinImprovedBatches = 3, SignificanceZ = 1.0,
        };
        await using var harness = await TrainingClusterHarness.StartAsync(schedule);
        var corpus = harness.Setup.TrainingTokens();
        var peers = Enumerable.Range(1, Peers)
            .Select(i => new HonestClusterPeer($"peer{i}", harness.Network.CreateFundedNode($"peer{i}", new Sats(PeerFundingSat)), harness.Setup, corpus, (ulong)i))
            .ToList();
        await harness.StartRunAsync();

        var rewarded = new List<(string Submission, string ClaimHash, long RewardSat)>();
        for (var r = 1; r <= Rounds; r++)
        {
            // The aggregation job marks the round aggregated before it advances the run: wait for the run.
            var run = await harness.WaitForAsync(() => harness.Cluster.GrainFactory(r % 2).GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).GetAsync(),
                s => s.CurrentRound >= r, $"the run to open round {r}");
            Assert.Equal(r, run.CurrentRound);
            var weights = await harness.Checkpoints.LoadAsync(run.Latest!, Ct);
            var submitted = await Task.WhenAll(peers.Select((peer, i) => Task.Run(() => SubmitAsync(harness, peer, i, weights, run.Latest!.Version, r))));
            foreach (var (peer, id) in peers.Zip(submitted))
            {
                var decided = await harness.WaitForAsync(() => harness.Cluster.GrainFactory(0).GetGrain<ISubmissionGrain>(id).GetAsync(),
                    s => s.Verdict is not null, $"the verdict on {id}");
                Assert.True(decided.Verdict!.Reason is VerdictReason.Accepted or VerdictReason.BelowThreshold, $"round {r} {peer.Name}: {decided.Verdict}");
                if (decided.RewardSat > Sats.Zero) rewarded.Add((id, await ClaimTwiceAsync(harness, peer, id, decided.RewardSat.Value), decided.RewardSat.Value));
            }
            var round = await harness.WaitForAsync(() => harness.Cluster.GrainFactory(1).GetGrain<IRoundGrain>(r).GetAsync(),
                s => s.Status == RoundStatus.Aggregated, $"round {r} to aggregate");
            Assert.True(round.LossAfter < round.LossBefore, $"round {r}: held-out loss {round.LossBefore} -> {round.LossAfter}");
            Assert.Equal(r, round.NextVersion);
        }

        var all = await Task.WhenAll(Enumerable.Range(1, Rounds).Select(async r =>
            await harness.Cluster.GrainFactory(0).GetGrain<IRoundGrain>(r).GetAsync()));
        Assert.True(all[^1].LossAfter < all[0].LossBefore - 0.1, $"loss {all[0].LossBefore} -> {all[^1].LossAfter} over {Rounds} rounds");
        Assert.NotEmpty(rewarded);

        // Every deposit refunded, through either silo's view.
        foreach (var entry in all.SelectMany(r => r.Submissions))
        {
            var state = await harness.WaitForAsync(() => harness.Cluster.GrainFactory(1).GetGrain<ISubmissionGrain>(entry.Id).GetAsync(),
                s => s.DepositResolvedAt is not null, $"the deposit of {entry.Id}");
            Assert.Equal(DepositStatus.Refunded, state.Deposit);
            Assert.Equal(InvoiceState.Canceled, (await harness.Network.Coordinator.LookupInvoiceAsync(PaymentHash.FromHex(entry.Id), Ct))!.State);
        }

        // Each reward paid once: one payment per claim, a repeated job is refused, and the peers gained exactly the rewards.
        foreach (var (submission, claimHash, rewardSat) in rewarded)
        {
            var payment = await harness.Network.Coordinator.LookupPaymentAsync(PaymentHash.FromHex(claimHash), Ct);
            Assert.Equal(PaymentStatus.Succeeded, payment!.Status);
            Assert.Equal(new Sats(rewardSat).ToMilliSats(), payment.Amount);
            var again = new RewardJob(PaymentHash.FromHex(claimHash), "lnbc-repeat", new Sats(rewardSat), new Sats(10), InvoicePurpose.TrainingReward, SubmissionGrain.OwnerKind, submission).ToRequest();
            Assert.False(await harness.Cluster.Silo(0).EnqueueJobAsync(again, Ct));
        }
        var peerGain = 0L;
        foreach (var peer in peers) peerGain += (await peer.Wallet.GetBalanceAsync(Ct)).Local.ToSatsFloor().Value - PeerFundingSat;
        Assert.Equal(rewarded.Sum(x => x.RewardSat), peerGain);

        var ledger = await harness.Cluster.GrainFactory(1).GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        Assert.Equal(rewarded.Count, ledger.Entries.Count(e => e.Purpose == InvoicePurpose.TrainingReward));
        Assert.Equal(0, ledger.TotalInSat);
        var reconciliation = await LedgerReconciliation.CheckAsync(harness.Cluster.GrainFactory(0), harness.Network.Coordinator, L402Train.Gateway.L402.GatewayFees.Default, Ct);
        Assert.True(reconciliation.Reconciled, $"ledger differs from the node by {reconciliation.DifferenceSat} sat");
    }

    // The gateway's part of PUT /gradient: deposit held, payload stored, submission created (on silo i mod 2).
    private static async Task<string> SubmitAsync(TrainingClusterHarness harness, HonestClusterPeer peer, int index, Model.Tensors.ParameterSet weights, int version, int round)
    {
        var payload = peer.Train(weights, version, round, steps: 6);
        var (hash, token) = await harness.PayDepositAsync(peer.Wallet);
        var blob = await harness.Gradients.SaveAsync(payload);
        var id = hash.ToHex();
        var arrival = new NewSubmission(peer.Name, round, version, blob, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload)),
            payload.Length, hash, token, new Sats(harness.Schedule.DepositSat));
        await harness.Cluster.GrainFactory(index % 2).GetGrain<ISubmissionGrain>(id).CreateAsync(arrival);
        return id;
    }

    // A claim sent twice (a retry after a lost answer) through different silos queues one payment; returns the claim's hash.
    private static async Task<string> ClaimTwiceAsync(TrainingClusterHarness harness, HonestClusterPeer peer, string id, long rewardSat)
    {
        var invoice = await peer.Wallet.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(rewardSat).ToMilliSats(), "reward", TimeSpan.FromHours(1)), Ct);
        var hash = invoice.Hash.ToHex();
        Assert.Equal(ClaimOutcome.Queued, await harness.Cluster.GrainFactory(0).GetGrain<ISubmissionGrain>(id).ClaimAsync(invoice.Hash, invoice.PaymentRequest, new Sats(rewardSat), new Sats(10)));
        Assert.Equal(ClaimOutcome.AlreadyClaimed, await harness.Cluster.GrainFactory(1).GetGrain<ISubmissionGrain>(id).ClaimAsync(invoice.Hash, invoice.PaymentRequest, new Sats(rewardSat), new Sats(10)));
        var paid = await harness.WaitForAsync(() => harness.Cluster.GrainFactory(1).GetGrain<ISubmissionGrain>(id).GetAsync(),
            s => s.Reward is RewardStatus.Paid || s.ClaimFailure is not null, $"the reward of {id}");
        Assert.Equal(RewardStatus.Paid, paid.Reward);
        return hash;
    }
}
