using L402Train.Grains.Training;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Training;

namespace L402Train.Grains.Workers;

/// <summary>
/// The worker's built-in experiment: trains a fresh byte-level GPT of the requested size with AdamW on the
/// silo's training corpus and reports <c>val_bpb</c>, the mean loss on fixed held-out batches in bits per
/// byte (the tokenizer is bytes, so nats per token / ln 2). The held-out batches do not depend on the seed,
/// so every configuration is scored on the same bytes.
/// </summary>
public sealed class BuiltInTrainer(TrainingCorpus corpus, WorkerOptions options, TimeProvider time)
{
    // Fixed so that runs with different seeds are scored on the same held-out batches.
    private const ulong EvalSeed = 0x5EED_0004;

    /// <summary>Runs <paramref name="settings"/>; checks <paramref name="cancellationToken"/> between steps.</summary>
    public Task<ExperimentOutcome> RunAsync(TrainerSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // CPU-bound: off the job runner's thread.
        return Task.Run(() => Run(settings, cancellationToken), cancellationToken);
    }

    private ExperimentOutcome Run(TrainerSettings s, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var config = new GptConfig("worker", 256, s.SequenceLength, s.Layers, s.Channels, s.Heads);
        config.Validate();
        var seed = unchecked((ulong)s.Seed);
        var model = GptModel.Create(config, seed, options.TrainerThreads);
        var trainer = new LocalTrainer(model, new AdamWOptions
        {
            LearningRate = (float)s.LearningRate, Beta1 = (float)s.Beta1, Beta2 = (float)s.Beta2, WeightDecay = (float)s.WeightDecay,
            WarmupSteps = s.WarmupSteps, TotalSteps = s.Steps, MinLearningRateFraction = (float)s.MinLearningRateFraction,
            GradientClipNorm = (float)s.GradientClipNorm,
        });
        var train = new BatchSampler(corpus.Train, s.BatchSize, s.SequenceLength);
        var batch = new TokenBatch(s.BatchSize, s.SequenceLength);
        var tail = Math.Max(1, s.Steps / 10);
        double tailLoss = 0;
        var trainStart = time.GetTimestamp();
        for (var step = 0; step < s.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            train.Fill(batch, seed, 0, step);
            var loss = trainer.Step(batch);
            if (step >= s.Steps - tail) tailLoss += loss;
        }
        var trainSeconds = time.GetElapsedTime(trainStart).TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        var heldOut = new BatchSampler(corpus.HeldOut, s.BatchSize, s.SequenceLength).Batches(EvalSeed, 0, s.EvalBatches);
        var valLoss = model.EvaluateLoss(heldOut);
        var elapsed = time.GetElapsedTime(started).TotalSeconds;
        var trainLoss = tailLoss / tail;
        if (!double.IsFinite(valLoss) || !double.IsFinite(trainLoss))
            return ExperimentOutcome.Failed($"the loss diverged (train {trainLoss}, held-out {valLoss}); lower trainer.learning_rate", elapsed);
        return ExperimentOutcome.Completed(new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["val_bpb"] = valLoss / Math.Log(2),
            ["val_loss"] = valLoss,
            ["train_loss"] = trainLoss,
            ["parameters"] = config.ParameterCount,
            ["steps"] = s.Steps,
            ["tokens_per_second"] = trainSeconds > 0 ? (double)s.Steps * s.BatchSize * s.SequenceLength / trainSeconds : 0,
        }, elapsed);
    }
}
