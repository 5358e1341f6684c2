using L402Train.Compression;
using L402Train.Grains.Training;
using L402Train.Model.Gpt;
using Xunit;

namespace L402Train.Training.Tests.Policy;

/// <summary>The round's random-direction baseline: the same τ for the same round on any validator and after a restart, another for another round.</summary>
public class RandomDirectionBaselineTests
{
    private static readonly TrainingSetup Setup = new() { CorpusStories = 50 };
    private static readonly RewardSchedule Schedule = new() { BaselineDirections = 4 };

    private static RoundThreshold Measure(HeldOutSet heldOut, int round, double norm)
    {
        var model = GptModel.Create(Setup.Config, Setup.InitSeed, threads: 1);
        var weights = model.Snapshot();
        var batches = heldOut.ForRound(round);
        var before = SubmissionValidator.Losses(model, batches);
        var norms = Setup.Manifest.Tensors.Select(_ => norm).ToArray();
        var threshold = RandomDirectionBaseline.Measure(Setup, Schedule, model, weights, batches, before, norms, heldOut.DirectionSeed(round));
        Assert.Equal(before, SubmissionValidator.Losses(model, batches));
        return threshold;
    }

    [Fact]
    public void The_same_round_gets_the_same_tau_from_a_fresh_validator_and_another_round_another()
    {
        var first = Measure(new HeldOutSet(secretSeed: 11, Setup, Schedule, stories: 40), round: 3, norm: 0.05);
        var again = Measure(new HeldOutSet(secretSeed: 11, Setup, Schedule, stories: 40), round: 3, norm: 0.05);
        var otherSecret = Measure(new HeldOutSet(secretSeed: 12, Setup, Schedule, stories: 40), round: 3, norm: 0.05);

        Assert.Equal(first.BaselineScores, again.BaselineScores);
        Assert.Equal(first.Tau, again.Tau);
        Assert.Equal(4, first.BaselineScores.Count);
        Assert.Equal(4, first.BaselineScores.Distinct().Count());
        Assert.NotEqual(first.BaselineScores, otherSecret.BaselineScores);
    }

    [Fact]
    public void Zero_sized_directions_change_nothing_and_leave_tau_at_the_floor()
    {
        var threshold = Measure(new HeldOutSet(secretSeed: 11, Setup, Schedule, stories: 40), round: 1, norm: 0);
        Assert.All(threshold.BaselineScores, s => Assert.Equal(0, s));
        Assert.Equal(Schedule.MinRewardedScoreFloor, threshold.Tau);
    }

    [Fact]
    public void The_median_norm_of_an_odd_and_an_even_number_of_updates()
    {
        var spec = new TensorSpec("w", 4, 4);
        var manifest = new TensorManifest([spec]);
        var slots = new ushort[spec.Layout.ChunkCount];
        SparseSubmission Update(float value) => new(manifest, [SparseTensor.FromValues(spec, 1, slots, [value, .. new float[slots.Length - 1]])]);

        Assert.Equal(2, RandomDirectionBaseline.MedianNorms([Update(1), Update(2), Update(9)])[0], 1e-6);
        Assert.Equal(1.5, RandomDirectionBaseline.MedianNorms([Update(1), Update(2)])[0], 1e-6);
    }
}
