using System.Text.Json.Nodes;
using L402Train.Protocol.Research;

namespace L402Train.PeerAgent.Research;

/// <summary>Where the round's experiment is. Each step is saved before the next starts, so a restart continues from it.</summary>
public enum ResearchPhase
{
    /// <summary>THINK chose the config; nothing is paid. CLAIM and RUN start here (again, after a worker failed).</summary>
    Thought,

    /// <summary>A worker's hold deposit is locked; its answer (the experiment id) may have been lost. Never pay again here: recover.</summary>
    Locked,

    /// <summary>The worker took the experiment: long-poll it.</summary>
    Submitted,

    /// <summary>The result is in; waiting for the settlement's preimage, then PUBLISH.</summary>
    Delivered,
}

/// <summary>The round in progress.</summary>
public sealed record PendingExperiment
{
    /// <summary>The round (1-based).</summary>
    public required int Round { get; init; }

    /// <summary>The config THINK chose.</summary>
    public required JsonObject Config { get; init; }

    /// <summary>What THINK changed (<c>baseline</c> for the first round).</summary>
    public required string Move { get; init; }

    /// <summary>Where the climb made the move (null for the baseline and the improver).</summary>
    public ClimbPosition? At { get; init; }

    /// <summary>The step reached.</summary>
    public ResearchPhase Phase { get; init; }

    /// <summary>Workers (agent ids) that failed this round: not asked again.</summary>
    public IReadOnlyList<string> FailedWorkers { get; init; } = [];

    /// <summary>The worker paid.</summary>
    public WorkerCandidate? Worker { get; init; }

    /// <summary>The price the probe read.</summary>
    public long? PriceSats { get; init; }

    /// <summary>The locked deposit.</summary>
    public LockedDeposit? Deposit { get; init; }

    /// <summary>When it was locked.</summary>
    public DateTimeOffset? LockedAt { get; init; }

    /// <summary>The worker's experiment id.</summary>
    public string? ExperimentId { get; init; }

    /// <summary>The delivered result.</summary>
    public ExperimentView? Result { get; init; }

    /// <summary>This round's worker failures, in words, for the progress lines and the report.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];
}

/// <summary>
/// The loop's state file: the best config so far, the climb's position, the configs already run,
/// and the round in progress. Small, rewritten whole (atomically) after every step.
/// </summary>
public sealed record ResearchState
{
    /// <summary>What the state belongs to: the experiment's archive hash and command (empty for the built-in trainer), so a state of another experiment is not resumed by mistake.</summary>
    public required string Experiment { get; init; }

    /// <summary>Rounds published.</summary>
    public int Completed { get; init; }

    /// <summary>The best config (the resolved trainer settings of the best run).</summary>
    public JsonObject? BestConfig { get; init; }

    /// <summary>Its val_bpb.</summary>
    public double? BestValBpb { get; init; }

    /// <summary>The experiment that reached it.</summary>
    public string? BestExperimentId { get; init; }

    /// <summary>The climb's next move.</summary>
    public ClimbPosition Climb { get; init; } = new();

    /// <summary>Canonical hashes of every config run or refused, so THINK never buys the same run twice.</summary>
    public IReadOnlyList<string> Tried { get; init; } = [];

    /// <summary>Deposits locked with workers that then failed, until each resolves (refunded, or settled and published).</summary>
    public IReadOnlyList<PendingExperiment> Orphans { get; init; } = [];

    /// <summary>The round in progress, or null between rounds.</summary>
    public PendingExperiment? Pending { get; init; }
}
