namespace L402Train.Grains.Workers;

/// <summary>Where an experiment is; <see cref="Completed"/> and <see cref="Failed"/> are delivered (settled), <see cref="Abandoned"/> is not (cancelled).</summary>
[GenerateSerializer, Alias("l402.ExperimentStage")]
public enum ExperimentStage
{
    /// <summary>Filed, waiting for the run job.</summary>
    Queued,
    /// <summary>The run job started it.</summary>
    Running,
    /// <summary>Delivered with metrics.</summary>
    Completed,
    /// <summary>Delivered: the experiment's own code failed.</summary>
    Failed,
    /// <summary>Not delivered: the worker failed (crash, restart, its deadline), or the request was refused after payment.</summary>
    Abandoned,
}

/// <summary>What became of an experiment's hold invoice.</summary>
[GenerateSerializer, Alias("l402.ExperimentPaymentStage")]
public enum ExperimentPaymentStage
{
    /// <summary>The HTLC is locked.</summary>
    Held,
    /// <summary>The settle job is queued (delivered).</summary>
    Settling,
    /// <summary>Settled.</summary>
    Settled,
    /// <summary>The cancel job is queued (not delivered).</summary>
    Cancelling,
    /// <summary>Cancelled: the buyer has the funds back.</summary>
    Cancelled,
}

/// <summary>What a run delivered (or why it was abandoned).</summary>
/// <param name="Stage"><see cref="ExperimentStage.Completed"/>, <see cref="ExperimentStage.Failed"/> or <see cref="ExperimentStage.Abandoned"/>.</param>
/// <param name="Metrics">The reported metrics (with <c>val_bpb</c> for the trainer).</param>
/// <param name="Error">Why there are no metrics.</param>
/// <param name="ExitCode">The archive command's exit code.</param>
/// <param name="OutputTail">The end of the archive command's output.</param>
/// <param name="RunSeconds">Wall time of the run.</param>
[GenerateSerializer, Immutable, Alias("l402.ExperimentOutcome")]
public sealed record ExperimentOutcome(
    ExperimentStage Stage, IReadOnlyDictionary<string, double>? Metrics, string? Error, int? ExitCode, string? OutputTail, double? RunSeconds)
{
    /// <summary>A delivered result with metrics.</summary>
    public static ExperimentOutcome Completed(IReadOnlyDictionary<string, double> metrics, double runSeconds, int? exitCode = null, string? outputTail = null) =>
        new(ExperimentStage.Completed, metrics, null, exitCode, outputTail, runSeconds);

    /// <summary>A delivered result whose code failed.</summary>
    public static ExperimentOutcome Failed(string error, double runSeconds, int? exitCode = null, string? outputTail = null) =>
        new(ExperimentStage.Failed, null, error, exitCode, outputTail, runSeconds);
}

/// <summary>A worker's experiment, keyed by its hold invoice's payment hash.</summary>
[GenerateSerializer, Alias("l402.ExperimentState")]
public sealed record ExperimentState
{
    /// <summary>What was filed; null for an unknown key.</summary>
    [Id(0)] public ExperimentFiling? Filing { get; init; }

    /// <summary>Where it is.</summary>
    [Id(1)] public ExperimentStage Stage { get; init; }

    /// <summary>When it was filed.</summary>
    [Id(2)] public DateTimeOffset SubmittedAt { get; init; }

    /// <summary>When the run began.</summary>
    [Id(3)] public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it was delivered or abandoned.</summary>
    [Id(4)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>What the run delivered, or why it was abandoned.</summary>
    [Id(5)] public ExperimentOutcome? Outcome { get; init; }

    /// <summary>The hold invoice.</summary>
    [Id(6)] public ExperimentPaymentStage Payment { get; init; }

    /// <summary>True once delivered (completed or failed).</summary>
    public bool Delivered => Stage is ExperimentStage.Completed or ExperimentStage.Failed;

    /// <summary>True once delivered or abandoned.</summary>
    public bool Finished => Delivered || Stage == ExperimentStage.Abandoned;
}

/// <summary>What the run job may do after <see cref="IExperimentGrain.StartAsync"/>.</summary>
[GenerateSerializer, Alias("l402.ExperimentStart")]
public enum ExperimentStart
{
    /// <summary>Run it now.</summary>
    Run,
    /// <summary>An earlier run of this job died before delivering: the experiment is abandoned and its invoice cancelled.</summary>
    Abandoned,
    /// <summary>Already delivered or abandoned: nothing to do.</summary>
    Finished,
}
