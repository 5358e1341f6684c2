using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.Protocol.Research;

/// <summary>
/// The body of <c>POST /experiment</c> (seed 004's experiment submission). Two kinds: with
/// <see cref="Archive"/> it is an archive plus <see cref="Command"/> run in the worker's sandbox;
/// without it, a run of the worker's built-in trainer with <see cref="Trainer"/> (absent fields, or an
/// absent <c>trainer</c>, take the defaults of <see cref="TrainerConfig"/>). An empty body is therefore the
/// built-in trainer's default experiment, which is also what a probe sends.
/// </summary>
public sealed record ExperimentRequest
{
    /// <summary>The built-in trainer's settings; ignored when <see cref="Archive"/> is given.</summary>
    [JsonPropertyName("trainer")] public TrainerConfig? Trainer { get; init; }

    /// <summary>The experiment's code and data as base64 tar.gz (the seed's <c>train.py</c> and what it needs).</summary>
    [JsonPropertyName("archive")] public string? Archive { get; init; }

    /// <summary>The command run with <c>/bin/sh -c</c> inside the unpacked archive; its last stdout line is a JSON object of numeric metrics. Required with <see cref="Archive"/>.</summary>
    [JsonPropertyName("command")] public string? Command { get; init; }

    /// <summary>Overrides for an archive run (the seed's <c>--config</c>): written to <c>config.json</c> beside the archive's files and named by <c>EXPERIMENT_CONFIG</c>.</summary>
    [JsonPropertyName("config")] public IReadOnlyDictionary<string, JsonElement>? Config { get; init; }

    /// <summary>Wall-clock limit of an archive run in seconds; capped by the worker's sandbox limit (its default when absent).</summary>
    [JsonPropertyName("timeout_seconds")] public int? TimeoutSeconds { get; init; }
}

/// <summary>
/// The built-in trainer's settings: our byte-level GPT, trained with AdamW on the worker's corpus;
/// the result's <c>val_bpb</c> is the mean held-out loss in bits per byte. Every field is optional; the
/// defaults (the worker states them in its result's resolved <c>trainer</c>) are the smallest
/// configuration, which runs in seconds on a CPU.
/// </summary>
public sealed record TrainerConfig
{
    /// <summary>Transformer blocks (default 1).</summary>
    [JsonPropertyName("layers")] public int? Layers { get; init; }

    /// <summary>Embedding width; a multiple of <see cref="Heads"/> (default 64).</summary>
    [JsonPropertyName("channels")] public int? Channels { get; init; }

    /// <summary>Attention heads (default 2).</summary>
    [JsonPropertyName("heads")] public int? Heads { get; init; }

    /// <summary>Context length in bytes (default 64).</summary>
    [JsonPropertyName("sequence_length")] public int? SequenceLength { get; init; }

    /// <summary>Sequences per step (default 4).</summary>
    [JsonPropertyName("batch_size")] public int? BatchSize { get; init; }

    /// <summary>AdamW steps (default 40).</summary>
    [JsonPropertyName("steps")] public int? Steps { get; init; }

    /// <summary>Peak learning rate (default 0.003).</summary>
    [JsonPropertyName("learning_rate")] public double? LearningRate { get; init; }

    /// <summary>Linear warm-up steps (default 0).</summary>
    [JsonPropertyName("warmup_steps")] public int? WarmupSteps { get; init; }

    /// <summary>The cosine floor as a fraction of the peak rate, reached at the last step (default 0.1).</summary>
    [JsonPropertyName("min_learning_rate_fraction")] public double? MinLearningRateFraction { get; init; }

    /// <summary>Decoupled weight decay (default 0.1).</summary>
    [JsonPropertyName("weight_decay")] public double? WeightDecay { get; init; }

    /// <summary>AdamW β₁ (default 0.9).</summary>
    [JsonPropertyName("beta1")] public double? Beta1 { get; init; }

    /// <summary>AdamW β₂ (default 0.95).</summary>
    [JsonPropertyName("beta2")] public double? Beta2 { get; init; }

    /// <summary>Global gradient-norm clip, 0 disables (default 1).</summary>
    [JsonPropertyName("gradient_clip_norm")] public double? GradientClipNorm { get; init; }

    /// <summary>Seed of the initial weights and of the training batches (default 0): same config, same corpus, same <c>val_bpb</c>.</summary>
    [JsonPropertyName("seed")] public long? Seed { get; init; }

    /// <summary>Held-out batches averaged into <c>val_bpb</c> (default 8); they are drawn the same way for every seed, so runs compare.</summary>
    [JsonPropertyName("eval_batches")] public int? EvalBatches { get; init; }
}
