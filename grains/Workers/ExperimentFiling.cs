using L402Train.Lightning;

namespace L402Train.Grains.Workers;

/// <summary>Which runner an experiment needs.</summary>
[GenerateSerializer, Alias("l402.ExperimentRunKind")]
public enum ExperimentRunKind
{
    /// <summary>The built-in trainer with <see cref="TrainerSettings"/>.</summary>
    Trainer,

    /// <summary>An archive and a command in the sandbox.</summary>
    Archive,
}

/// <summary>
/// The built-in trainer's settings, every default filled in (the gateway resolves the request's
/// optional fields against <see cref="Default"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("l402.TrainerSettings")]
public sealed record TrainerSettings(
    int Layers, int Channels, int Heads, int SequenceLength, int BatchSize, int Steps, double LearningRate, int WarmupSteps,
    double MinLearningRateFraction, double WeightDecay, double Beta1, double Beta2, double GradientClipNorm, long Seed, int EvalBatches)
{
    /// <summary>The smallest configuration: one block of width 64 over 64 bytes, 40 steps of 4 sequences; a few seconds on a CPU.</summary>
    public static TrainerSettings Default { get; } = new(
        Layers: 1, Channels: 64, Heads: 2, SequenceLength: 64, BatchSize: 4, Steps: 40, LearningRate: 3e-3, WarmupSteps: 0,
        MinLearningRateFraction: 0.1, WeightDecay: 0.1, Beta1: 0.9, Beta2: 0.95, GradientClipNorm: 1.0, Seed: 0, EvalBatches: 8);

    /// <summary>Why these settings cannot run on a worker limited to <paramref name="maxSteps"/> steps, naming the field; null when they can.</summary>
    public string? Problem(int maxSteps) => this switch
    {
        { Layers: < 1 or > 8 } => "trainer.layers must be from 1 to 8.",
        { Channels: < 8 or > 512 } => "trainer.channels must be from 8 to 512.",
        { Heads: < 1 } => "trainer.heads must be at least 1.",
        _ when Channels % Heads != 0 => $"trainer.channels ({Channels}) must be a multiple of trainer.heads ({Heads}).",
        { SequenceLength: < 2 or > 512 } => "trainer.sequence_length must be from 2 to 512.",
        { BatchSize: < 1 or > 64 } => "trainer.batch_size must be from 1 to 64.",
        _ when Steps < 1 || Steps > maxSteps => $"trainer.steps must be from 1 to {maxSteps} on this worker.",
        _ when !(LearningRate > 0 && LearningRate <= 1) => "trainer.learning_rate must be in (0, 1].",
        { WarmupSteps: < 0 } => "trainer.warmup_steps must be ≥ 0.",
        _ when !(MinLearningRateFraction >= 0 && MinLearningRateFraction <= 1) => "trainer.min_learning_rate_fraction must be in [0, 1].",
        _ when !(WeightDecay >= 0 && WeightDecay <= 1) => "trainer.weight_decay must be in [0, 1].",
        _ when !(Beta1 >= 0 && Beta1 < 1) => "trainer.beta1 must be in [0, 1).",
        _ when !(Beta2 >= 0 && Beta2 < 1) => "trainer.beta2 must be in [0, 1).",
        _ when !(GradientClipNorm >= 0 && double.IsFinite(GradientClipNorm)) => "trainer.gradient_clip_norm must be a finite number ≥ 0.",
        { EvalBatches: < 1 or > 64 } => "trainer.eval_batches must be from 1 to 64.",
        _ => null,
    };
}

/// <summary>What the gateway files for a paid experiment (the grain's key is the payment hash).</summary>
/// <param name="ExperimentId">The public id (<c>exp-yyyyMMdd-</c> and the payment hash).</param>
/// <param name="Kind">Which runner.</param>
/// <param name="Trainer">The trainer's settings, for <see cref="ExperimentRunKind.Trainer"/>.</param>
/// <param name="ArchiveBlob">The archive's blob hash, for <see cref="ExperimentRunKind.Archive"/>.</param>
/// <param name="Command">The archive's command.</param>
/// <param name="ConfigJson">The archive run's <c>config.json</c>, when the request had a config.</param>
/// <param name="TimeoutSeconds">The archive run's wall-clock limit.</param>
/// <param name="TrainHash"><c>sha256:</c> and the hex hash of what runs.</param>
/// <param name="TokenIdHex">The L402 token id the hold invoice's preimage derives from.</param>
/// <param name="PriceSat">The hold invoice's amount.</param>
/// <param name="WorkerId">The worker's node public key (hex).</param>
[GenerateSerializer, Immutable, Alias("l402.ExperimentFiling")]
public sealed record ExperimentFiling(
    string ExperimentId, ExperimentRunKind Kind, TrainerSettings? Trainer, string? ArchiveBlob, string? Command, string? ConfigJson,
    int TimeoutSeconds, string TrainHash, string TokenIdHex, Sats PriceSat, string WorkerId);
