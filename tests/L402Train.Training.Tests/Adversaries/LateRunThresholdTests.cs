using L402Train.Bench.Incentives.Training;
using L402Train.Grains.Training;
using L402Train.Lightning;
using Xunit;

namespace L402Train.Training.Tests.Adversaries;

/// <summary>
/// The stall the 1,000-identity run found (docs/incentives.md): as the model converges an honest
/// update lowers the held-out loss by less, and a fixed τ = 0.005 refused every honest update
/// from round 11 on, so no outer step was taken again. Here through the real grains, validator,
/// aggregator and money jobs (the simulation engine of bench/Incentives, tiny model, fixed
/// seeds), on a checkpoint trained to a held-out loss of about 2.2, where honest updates score
/// 0.001 to 0.005: round 1 has no baseline yet and keeps the fixed τ (most honest updates fall
/// under it, as in the stalled run); round 2 draws τ from random directions of the size round
/// 1's honest updates had, accepts the honest updates and pays no noise free-rider.
/// </summary>
public class LateRunThresholdTests
{
    private const int HonestPeers = 12;
    private const int NoisePeers = 6;

    [Fact]
    public async Task Late_honest_updates_under_the_fixed_tau_are_paid_and_noise_on_the_same_checkpoint_is_not()
    {
        var options = new SimulationOptions(Identities: HonestPeers + NoisePeers, Rounds: 2, Threads: 2)
        {
            Mix = [(TrainingProfile.Honest, HonestPeers), (TrainingProfile.FreeRiderNoise, NoisePeers)],
            PretrainSteps = 150,
        };
        await using var simulation = await TrainingSimulation.StartAsync(options);

        await simulation.RunAsync();

        var records = simulation.Submissions;
        Assert.Equal(2 * (HonestPeers + NoisePeers), records.Count);
        var report = string.Join("\n", records.Select(r => $"round {r.Round} {r.Identity.Id}: {r.State.Verdict!.Reason} {r.State.Verdict.Score:0.00000}, paid {r.State.RewardSat.Value} sat"));
        var paidNoise = records.Where(r => r.Identity.Profile == TrainingProfile.FreeRiderNoise && (r.State.RewardSat > Sats.Zero || r.State.Verdict!.Reason == VerdictReason.Accepted));
        Assert.True(!paidNoise.Any(), report);

        // Late in the run: every honest update scores under the fixed τ, yet round 2 pays most of them.
        var round2 = await simulation.Grains.GetGrain<IRoundGrain>(2).GetAsync();
        var honest2 = records.Where(r => r.Round == 2 && r.Identity.Profile == TrainingProfile.Honest).ToList();
        Assert.All(honest2, r => Assert.True(r.State.Verdict!.Score < 0.005, report));
        var paid = honest2.Where(r => r.State.Verdict!.Reason == VerdictReason.Accepted && r.State.Reward == RewardStatus.Paid).ToList();
        Assert.True(paid.Count >= 2 * HonestPeers / 3, $"τ {round2.Threshold?.Tau:0.00000}: {paid.Count} of {HonestPeers} honest updates paid\n{report}");
        Assert.True(round2.LossAfter < round2.LossBefore, $"held-out loss {round2.LossBefore} -> {round2.LossAfter}");

        // Round 1 had nothing to size random directions by; round 2's τ is its baseline's, under the fixed one.
        var round1 = await simulation.Grains.GetGrain<IRoundGrain>(1).GetAsync();
        Assert.Equal(simulation.Schedule.MinRewardedScore, round1.Threshold!.Tau);
        var tau = round2.Threshold!;
        Assert.Equal(simulation.Schedule.BaselineDirections, tau.BaselineScores.Count);
        Assert.InRange(tau.Tau, simulation.Schedule.MinRewardedScoreFloor, simulation.Schedule.MinRewardedScore);
    }
}
