using L402Train.Model.Corpus;
using L402Train.Model.Training;

namespace L402Train.Grains.Training;

/// <summary>
/// The coordinator's held-out data: with the generated corpus, stories drawn from the same
/// generator as the public corpus but with a secret seed; with the KJV, the chapters the secret
/// split holds out (see <see cref="TrainingCorpus"/>). Either way they are never served. Each round
/// draws its M batches deterministically from (secret, round), so every validator scores on the
/// same batches.
/// </summary>
public sealed class HeldOutSet
{
    private readonly BatchSampler sampler;
    private readonly ulong secretSeed;

    /// <summary>Builds the set from a secret seed.</summary>
    public HeldOutSet(ulong secretSeed, TrainingSetup setup, RewardSchedule schedule, int stories = 600)
        : this(secretSeed, TrainingCorpus.HeldOutTokens(setup, secretSeed, stories), setup, schedule)
    {
    }

    /// <summary>Builds the set over held-out tokens already cut (see <see cref="TrainingCorpus.HeldOut"/>).</summary>
    public HeldOutSet(ulong secretSeed, TokenStream tokens, TrainingSetup setup, RewardSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(schedule);
        this.secretSeed = secretSeed;
        sampler = new BatchSampler(tokens, schedule.HeldOutBatchSize, setup.SequenceLength);
        Batches = schedule.HeldOutBatches;
    }

    /// <summary>M: batches per round.</summary>
    public int Batches { get; }

    /// <summary>The round's held-out batches.</summary>
    public IReadOnlyList<TokenBatch> ForRound(int round) => sampler.Batches(secretSeed ^ 0x5EED_0F_4E1D_0A7Aul, round, Batches);

    /// <summary>The round's secret seed for its random-direction baseline (<see cref="RandomDirectionBaseline"/>): derived from the same secret, so peers cannot aim at it.</summary>
    public ulong DirectionSeed(int round) => (secretSeed ^ 0xD1EC_7104_BA5E_11EEul) * 0x9E37_79B9_7F4A_7C15ul + (ulong)round;
}
