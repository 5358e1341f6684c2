using L402Train.Bench.Incentives.Training;
using L402Train.Grains.Training;
using L402Train.Lightning;
using Xunit;

namespace L402Train.Training.Tests.Adversaries;

/// <summary>
/// The hole the 1,000-identity run found (docs/incentives.md): once many accepted updates are
/// aggregated, the per-coordinate mean fills in nearly every coordinate, the outer step grows far
/// past any one update and overshoots, and on the checkpoint it produced a random direction at an
/// honest update's scale can lower the held-out loss significantly. Here through the real grains,
/// validator, aggregator and money jobs (the simulation engine of bench/Incentives, tiny model,
/// fixed seeds): enough honest peers in round 1 for a dense step, and noise free-riders in both
/// rounds.
/// </summary>
public class NoiseAfterDenseStepTests
{
    private const int HonestPeers = 200;
    private const int NoisePeers = 20;

    [Fact]
    public async Task Noise_on_the_checkpoint_after_a_dense_outer_step_is_not_paid_and_honest_updates_still_are()
    {
        var options = new SimulationOptions(Identities: HonestPeers + NoisePeers, Rounds: 2, Threads: 2)
        {
            Mix = [(TrainingProfile.Honest, HonestPeers), (TrainingProfile.FreeRiderNoise, NoisePeers)],
        };
        await using var simulation = await TrainingSimulation.StartAsync(options);

        await simulation.RunAsync();

        var records = simulation.Submissions;
        Assert.Equal(2 * (HonestPeers + NoisePeers), records.Count);
        var paidNoise = records.Where(r => r.Identity.Profile == TrainingProfile.FreeRiderNoise && (r.State.RewardSat > Sats.Zero || r.State.Verdict!.Reason == VerdictReason.Accepted))
            .Select(r => $"round {r.Round} {r.Identity.Id}: {r.State.Verdict!.Detail}, paid {r.State.RewardSat.Value} sat").ToList();
        Assert.True(paidNoise.Count == 0, string.Join("\n", paidNoise));
        Assert.All(records.Where(r => r.Identity.Profile == TrainingProfile.Honest),
            r => Assert.True(r.State.Reward == RewardStatus.Paid, $"round {r.Round} {r.Identity.Id}: {r.State.Verdict!.Reason} {r.State.Verdict.Detail}"));
    }
}
