using System.Text.Json.Serialization;

namespace L402Train.Protocol.Training;

/// <summary>The training part of <c>GET /status</c>: enough for a peer to sync status-first.</summary>
/// <param name="Round">The round accepting gradients.</param>
/// <param name="RoundStatus">Its status (<c>open</c>, <c>aggregating</c>, …).</param>
/// <param name="BaseVersion">The checkpoint version gradients must be computed against.</param>
/// <param name="Deadline">When the round closes at the latest.</param>
/// <param name="Checkpoint">The newest checkpoint.</param>
/// <param name="Setup">Model, corpus and compression settings peers must use.</param>
/// <param name="DepositSats">The deposit behind a submission.</param>
/// <param name="CheckpointPriceSats">The price of a checkpoint download.</param>
/// <param name="RoundTau">
/// τ of the round: the smallest significant score (mean relative held-out loss decrease) that earns a reward there,
/// drawn from the round's random-direction baseline by its first validation; null until then.
/// </param>
public sealed record TrainingStatusView(
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("round_status")] string RoundStatus,
    [property: JsonPropertyName("base_version")] int BaseVersion,
    [property: JsonPropertyName("deadline")] DateTimeOffset Deadline,
    [property: JsonPropertyName("checkpoint")] CheckpointView? Checkpoint,
    [property: JsonPropertyName("setup")] TrainingSetupView Setup,
    [property: JsonPropertyName("deposit_sats")] long DepositSats,
    [property: JsonPropertyName("checkpoint_price_sats")] long CheckpointPriceSats,
    [property: JsonPropertyName("round_tau")] double? RoundTau = null);

/// <summary>A checkpoint version.</summary>
/// <param name="Version">Version number.</param>
/// <param name="Sha256">Content hash of the safetensors file.</param>
/// <param name="Bytes">File size.</param>
public sealed record CheckpointView(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("bytes")] long Bytes);

/// <summary>
/// What peers and validators must agree on to train the same model: architecture, initial seed, the public
/// training corpus, sequence length and compression settings. Every field is required: a peer must not
/// default what the coordinator did not say.
/// </summary>
public sealed record TrainingSetupView
{
    /// <summary>Model configuration name (<c>tiny</c>, <c>small</c>).</summary>
    [JsonPropertyName("model")] public required string Model { get; init; }

    /// <summary>Seed of the initial weights (version 0).</summary>
    [JsonPropertyName("init_seed")] public required ulong InitSeed { get; init; }

    /// <summary>
    /// The training text: <c>generated</c> (stories from <see cref="CorpusSeed"/>, built by every peer alike) or
    /// <c>kjv</c> (the King James Bible, split by chapter with the coordinator's secret; peers download the
    /// training side from <c>GET /corpus</c>). A coordinator that predates the field trains on <c>generated</c>.
    /// </summary>
    [JsonPropertyName("corpus")] public string Corpus { get; init; } = "generated";

    /// <summary>With <c>kjv</c>: SHA-256 (lower-case hex) of the text <c>GET /corpus</c> serves; null otherwise.</summary>
    [JsonPropertyName("corpus_sha256")] public string? CorpusSha256 { get; init; }

    /// <summary>Seed of the public training corpus (the shipped story generator).</summary>
    [JsonPropertyName("corpus_seed")] public required ulong CorpusSeed { get; init; }

    /// <summary>Stories in the public training corpus.</summary>
    [JsonPropertyName("corpus_stories")] public required int CorpusStories { get; init; }

    /// <summary>Tokens per training and evaluation sequence.</summary>
    [JsonPropertyName("sequence_length")] public required int SequenceLength { get; init; }

    /// <summary>Top-k per 4,096-element chunk.</summary>
    [JsonPropertyName("top_k")] public required int TopK { get; init; }

    /// <summary>β of each peer's error feedback.</summary>
    [JsonPropertyName("error_feedback_decay")] public required float ErrorFeedbackDecay { get; init; }
}
