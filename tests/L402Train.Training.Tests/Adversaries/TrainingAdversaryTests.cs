using L402Train.Bench.Incentives.Training;
using L402Train.Grains.Training;
using L402Train.Lightning;
using Xunit;

namespace L402Train.Training.Tests.Adversaries;

/// <summary>
/// Every training adversary of issue #15 against the real grains, validator and money jobs (one
/// silo, simnet, hold-invoice deposits): the simulation engine of bench/Incentives with 20
/// identities for 2 rounds. No submission that is not honest work is paid, each adversary's
/// submissions lose money on average at the default prices, and the sats the peers gained are
/// exactly what the coordinator's node lost.
/// </summary>
public class TrainingAdversaryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_adversarial_submission_is_paid_and_each_adversary_loses_money()
    {
        await using var simulation = await TrainingSimulation.StartAsync(new SimulationOptions(Identities: 20, Rounds: 2, Threads: 2));
        var coordinatorBefore = (await simulation.Network.Coordinator.GetBalanceAsync(Ct)).Local;

        await simulation.RunAsync();

        var records = simulation.Submissions;
        Assert.Equal(40, records.Count);
        foreach (var record in records.Where(r => !r.Honest))
        {
            Assert.True(record.State.RewardSat == Sats.Zero, $"{record.Identity.Id} round {record.Round}: {record.State.Verdict} was paid {record.State.RewardSat}");
            Assert.NotEqual(VerdictReason.Accepted, record.State.Verdict!.Reason);
        }
        foreach (var record in records)
        {
            // The money rule of PROTOCOL.md §3, as it happened on the node.
            var forfeit = record.State.Verdict!.Deposit == DepositAction.Forfeit;
            Assert.Equal(forfeit ? DepositStatus.Forfeited : DepositStatus.Refunded, record.State.Deposit);
            var invoice = await simulation.Network.Coordinator.LookupInvoiceAsync(PaymentHash.FromHex(record.Id), Ct);
            Assert.Equal(forfeit ? InvoiceState.Settled : InvoiceState.Canceled, invoice!.State);
        }
        Assert.All(records.Where(r => r.Honest && r.Identity.Profile == TrainingProfile.Honest),
            r => Assert.Equal(RewardStatus.Paid, r.State.Reward));

        // A sybil splitting one update over its identities is paid what each part improves: together no more than one full reward.
        foreach (var operatorRound in records.Where(r => r.Identity.Profile == TrainingProfile.SybilSplit).GroupBy(r => (r.Identity.Group, r.Round)))
            Assert.True(operatorRound.Sum(r => r.State.RewardSat.Value) <= simulation.Schedule.BaseRateSat, $"sybil operator {operatorRound.Key} earned {operatorRound.Sum(r => r.State.RewardSat.Value)} sat");

        var figures = await TrainingFigures.ReadAsync(simulation);
        Assert.Equal(100, figures.HonestRewardSharePct);
        Assert.True(figures.NetSats[TrainingProfile.Honest] > 0, $"honest peers netted {figures.NetSats[TrainingProfile.Honest]} sat");
        foreach (var (profile, ev) in figures.AdversarialEvSats)
            Assert.True(ev < 0, $"{profile.Name()}: an adversarial submission is worth {ev} sat on average");
        var coordinatorAfter = (await simulation.Network.Coordinator.GetBalanceAsync(Ct)).Local;
        Assert.Equal(figures.PeersNetSat, (coordinatorBefore - coordinatorAfter).ToSatsFloor().Value);
        Assert.Equal(0, figures.DepositsNearExpiry);
    }
}
