using L402Train.Compression;
using L402Train.Grains.Training;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Tensors;
using L402Train.Model.Training;

namespace L402Train.Bench.Training;

/// <summary>
/// An honest peer as <c>peer-agent train</c> runs one: a single-threaded model, AdamW whose
/// moments persist across rounds, batches of 8 × 64 tokens drawn from its own seed, and
/// SparseLoCo with error feedback.
/// </summary>
internal sealed class SimulatedPeer
{
    private readonly GptModel model;
    private readonly LocalTrainer trainer;
    private readonly SparseLoCoEncoder encoder;
    private readonly BatchSampler sampler;
    private readonly ulong seed;

    public SimulatedPeer(TrainingSetup setup, TokenStream corpus, ulong seed, LossGapRun run)
    {
        this.seed = seed;
        model = GptModel.Create(setup.Config, setup.InitSeed, threads: 1);
        trainer = new LocalTrainer(model, new AdamWOptions { LearningRate = run.InnerLearningRate, WarmupSteps = Math.Min(5, run.InnerSteps) });
        encoder = new SparseLoCoEncoder(setup.Manifest, setup.Compression);
        sampler = new BatchSampler(corpus, run.BatchSize, setup.SequenceLength);
    }

    /// <summary>K local steps from <paramref name="weights"/>; returns start − end.</summary>
    public ParameterSet Train(ParameterSet weights, int round, int steps)
    {
        model.Restore(weights);
        return trainer.RunRound(steps, i => sampler.Sample(seed, round, i)).Delta;
    }

    /// <summary>Compresses a pseudo-gradient with this peer's error feedback.</summary>
    public SparseSubmission Compress(ParameterSet delta) =>
        encoder.Compress([.. delta.Tensors.Select(t => (ReadOnlyMemory<float>)t.Values)]);
}
