using L402Train.Compression;
using L402Train.Grains.Training;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Tensors;
using L402Train.Model.Training;

namespace L402Train.Bench.Incentives.Training;

/// <summary>
/// Honest updates at simulation scale: each is K real AdamW steps of the tiny model from the
/// round's checkpoint on the peer's own batches, compressed with SparseLoCo. Scaled down from
/// <c>peer-agent train</c> in one way: a peer keeps no AdamW moments or error feedback between
/// rounds (a thousand peers' buffers would be gigabytes), so each round starts them afresh. One
/// single-threaded model per worker thread.
/// </summary>
internal sealed class HonestUpdates(TrainingSetup setup, TokenStream corpus, int innerSteps, int batchSize) : IDisposable
{
    private readonly ThreadLocal<Worker> workers = new(() => new Worker(setup), trackAllValues: false);

    /// <summary>K steps from <paramref name="weights"/> on the batches of (<paramref name="seed"/>, <paramref name="round"/>), compressed.</summary>
    public SparseSubmission Train(ParameterSet weights, ulong seed, int round)
    {
        var worker = workers.Value!;
        worker.Model.Restore(weights);
        worker.Trainer.Optimizer.Reset();
        worker.Encoder.ResetErrorFeedback();
        var sampler = new BatchSampler(corpus, batchSize, setup.SequenceLength);
        var delta = worker.Trainer.RunRound(innerSteps, i => sampler.Sample(seed, round, i)).Delta;
        return worker.Encoder.Compress([.. delta.Tensors.Select(t => (ReadOnlyMemory<float>)t.Values)]);
    }

    public void Dispose() => workers.Dispose();

    private sealed class Worker(TrainingSetup setup)
    {
        public GptModel Model { get; } = GptModel.Create(setup.Config, setup.InitSeed, threads: 1);
        public LocalTrainer Trainer => trainer ??= new LocalTrainer(Model, new AdamWOptions { LearningRate = 3e-3f, WarmupSteps = 2 });
        public SparseLoCoEncoder Encoder { get; } = new(setup.Manifest, setup.Compression);
        private LocalTrainer? trainer;
    }
}
