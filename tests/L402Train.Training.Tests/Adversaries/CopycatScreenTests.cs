using L402Train.Lightning;
using L402Train.Bench.Incentives.Training;
using L402Train.Compression;
using L402Train.Grains.Training;
using L402Train.Model.Gpt;
using Xunit;

namespace L402Train.Training.Tests.Adversaries;

/// <summary>
/// The validator's copycat screen against copies built to slip under the index-overlap threshold:
/// a copy of an honest update's largest entries (39 % of its positions, perturbed by ±5 %, the rest
/// noise) and one slice of a ring that splits a copy three ways. Both scored as accepted
/// improvements before the screen also compared values.
/// </summary>
public class CopycatScreenTests
{
    private static readonly TrainingSetup Setup = new() { CorpusStories = 200 };
    private static readonly RewardSchedule Schedule = new();

    [Fact]
    public void A_copy_of_the_largest_entries_under_the_overlap_threshold_is_a_copycat()
    {
        var (original, copy) = Build(update => AdversarialUpdates.PerturbedCopy(update, new Random(3)));

        Assert.True(copy.IndexOverlap(original) < Schedule.CopycatOverlap, "the copy must slip under the index-overlap threshold for this test to mean anything");
        var verdict = Screen(original, copy);

        Assert.NotNull(verdict);
        Assert.Equal(VerdictReason.Copycat, verdict.Reason);
    }

    [Fact]
    public void Every_slice_of_a_copycat_ring_is_a_copycat()
    {
        for (var member = 0; member < ProfileMix.GroupSize; member++)
        {
            var (original, slice) = Build(update => AdversarialUpdates.Slice(update, member, ProfileMix.GroupSize, new Random(member)));
            Assert.Equal(VerdictReason.Copycat, Screen(original, slice)?.Reason);
        }
    }

    [Fact]
    public void Independent_honest_updates_are_not_copycats_of_each_other()
    {
        using var honest = new HonestUpdates(Setup, Setup.TrainingTokens(), innerSteps: 3, batchSize: 4);
        var weights = GptModel.Create(Setup.Config, Setup.InitSeed, threads: 1).Parameters;
        var first = honest.Train(weights, 1, 1);
        for (ulong seed = 2; seed <= 4; seed++) Assert.Null(Screen(first, honest.Train(weights, seed, 1)));
    }

    private static (SparseSubmission Original, SparseSubmission Copy) Build(Func<SparseSubmission, SparseSubmission> copy)
    {
        using var honest = new HonestUpdates(Setup, Setup.TrainingTokens(), innerSteps: 3, batchSize: 4);
        var original = honest.Train(GptModel.Create(Setup.Config, Setup.InitSeed, threads: 1).Parameters, 1, 1);
        return (original, copy(original));
    }

    // The screen of the second submission of round 1, with the original filed before it.
    private static SubmissionVerdict? Screen(SparseSubmission original, SparseSubmission candidate)
    {
        var validator = new SubmissionValidator(Setup, Schedule);
        var earlier = validator.TryDecode(original.ToBytes(WireVersion.V2, PayloadMetadata.Create(0, "honest")), out _)!;
        var bytes = candidate.ToBytes(WireVersion.V2, PayloadMetadata.Create(0, "candidate"));
        var arrival = new NewSubmission("candidate", 1, 0, "blob", "hash", bytes.Length, PaymentHash.FromHex(new string('1', 64)), "token", new Sats(Schedule.DepositSat));
        return validator.Screen(arrival, new RoundAdmission(2, true, 0, null, ["honest"]), bytes, [("honest", earlier)], out _);
    }
}
