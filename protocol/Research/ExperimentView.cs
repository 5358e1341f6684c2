using System.Text.Json.Serialization;

namespace L402Train.Protocol.Research;

/// <summary>Where an experiment is. <c>completed</c> and <c>failed</c> are delivered results (the hold invoice is settled); <c>abandoned</c> is the worker's failure (cancelled, the buyer refunded).</summary>
public enum ExperimentState
{
    /// <summary>Paid (HTLC held), waiting for a run slot.</summary>
    Queued,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Ran and reported its metrics.</summary>
    Completed,

    /// <summary>The experiment's own code failed (non-zero exit, no metrics line, its time limit): a delivered result, paid for.</summary>
    Failed,

    /// <summary>The worker did not deliver (it crashed or restarted mid-run, or gave up): the hold invoice is cancelled.</summary>
    Abandoned,
}

/// <summary>Which runner an experiment used.</summary>
public enum ExperimentKind
{
    /// <summary>The worker's built-in trainer with a <see cref="TrainerConfig"/>.</summary>
    Trainer,

    /// <summary>An archive and a command in the sandbox.</summary>
    Archive,
}

/// <summary>What became of the experiment's hold invoice.</summary>
public enum ExperimentPayment
{
    /// <summary>ACCEPTED: the buyer's HTLC is locked until the result is delivered or the worker gives up.</summary>
    Held,

    /// <summary>SETTLED (or being settled): the result was delivered.</summary>
    Settled,

    /// <summary>CANCELED (or being cancelled): nothing was delivered; the buyer's funds returned.</summary>
    Cancelled,
}

/// <summary>
/// The answer of <c>GET /experiment/{id}</c> (and of <c>POST /experiment</c> when the run finished within
/// the request): state, metrics (with <c>val_bpb</c>), timings, the worker's id and the experiment's
/// <c>train_hash</c>, which the research loop's <c>results.jsonl</c> records.
/// </summary>
public sealed record ExperimentView
{
    /// <summary>The worker's id of the experiment.</summary>
    [JsonPropertyName("experiment_id")] public required string ExperimentId { get; init; }

    /// <summary>Where it is.</summary>
    [JsonPropertyName("state")] public required ExperimentState State { get; init; }

    /// <summary>Which runner.</summary>
    [JsonPropertyName("kind")] public required ExperimentKind Kind { get; init; }

    /// <summary>The worker: its Lightning node's public key (hex, 33 bytes compressed), the key that signs its registration.</summary>
    [JsonPropertyName("worker_id")] public required string WorkerId { get; init; }

    /// <summary>
    /// <c>sha256:</c> and the hex SHA-256 of what was run: for an archive, the decoded archive bytes; for the
    /// trainer, the UTF-8 JSON of the resolved <see cref="Trainer"/> as this record writes it.
    /// </summary>
    [JsonPropertyName("train_hash")] public required string TrainHash { get; init; }

    /// <summary>The trainer settings as run, every default filled in; absent for archives.</summary>
    [JsonPropertyName("trainer")] public TrainerConfig? Trainer { get; init; }

    /// <summary>The command of an archive run.</summary>
    [JsonPropertyName("command")] public string? Command { get; init; }

    /// <summary>The reported metrics (the trainer: <c>val_bpb</c>, <c>train_loss</c>, <c>parameters</c>, <c>tokens_per_second</c>; an archive: its last stdout line); absent until delivered.</summary>
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>Held-out bits per byte, copied from <see cref="Metrics"/> when reported (lower is better).</summary>
    [JsonPropertyName("val_bpb")] public double? ValBpb { get; init; }

    /// <summary>Why a <c>failed</c> or <c>abandoned</c> experiment has no metrics.</summary>
    [JsonPropertyName("error")] public string? Error { get; init; }

    /// <summary>The archive command's exit code.</summary>
    [JsonPropertyName("exit_code")] public int? ExitCode { get; init; }

    /// <summary>The end of the archive command's output (stdout then stderr, at most 4 KiB).</summary>
    [JsonPropertyName("output_tail")] public string? OutputTail { get; init; }

    /// <summary>What the experiment cost.</summary>
    [JsonPropertyName("price_sats")] public required long PriceSats { get; init; }

    /// <summary>The hold invoice's payment hash (hex).</summary>
    [JsonPropertyName("payment_hash")] public required string PaymentHash { get; init; }

    /// <summary>What became of the hold invoice.</summary>
    [JsonPropertyName("payment")] public required ExperimentPayment Payment { get; init; }

    /// <summary>When the paid request was accepted.</summary>
    [JsonPropertyName("submitted_at")] public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>When the run began.</summary>
    [JsonPropertyName("started_at")] public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it was delivered or abandoned.</summary>
    [JsonPropertyName("finished_at")] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Wall time of the run itself in seconds.</summary>
    [JsonPropertyName("run_seconds")] public double? RunSeconds { get; init; }
}
