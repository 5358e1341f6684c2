using L402Train.Lightning;

namespace L402Train.Grains.Training;

/// <summary>Where a round is in its life.</summary>
[GenerateSerializer, Alias("l402.RoundStatus")]
public enum RoundStatus
{
    /// <summary>Accepting gradients against <see cref="RoundState.BaseVersion"/>.</summary>
    Open,
    /// <summary>Deadline or quota reached: no new submissions; waiting for verdicts, then aggregation.</summary>
    Closing,
    /// <summary>The outer step was applied; the next version exists.</summary>
    Aggregated,
}

/// <summary>One submission as its round sees it.</summary>
/// <param name="Id">Submission id.</param>
/// <param name="PeerId">Who sent it.</param>
/// <param name="Sequence">Arrival order within the round (1-based): "earlier" for duplicates and copycats.</param>
/// <param name="ContentHash">SHA-256 of the payload, for exact duplicates.</param>
/// <param name="Reason">The verdict once decided.</param>
/// <param name="Score">The verdict's score.</param>
/// <param name="RewardSat">Reward granted from the round budget.</param>
[GenerateSerializer, Immutable, Alias("l402.RoundEntry")]
public sealed record RoundEntry(string Id, string PeerId, int Sequence, string ContentHash, VerdictReason? Reason, double Score, Sats RewardSat);

/// <summary>A training round.</summary>
[GenerateSerializer, Alias("l402.RoundState")]
public sealed record RoundState
{
    /// <summary>Round number (1-based).</summary>
    [Id(0)]
    public int Number { get; init; }

    /// <summary>Status.</summary>
    [Id(1)]
    public RoundStatus Status { get; init; }

    /// <summary>The checkpoint version gradients must be computed against.</summary>
    [Id(2)]
    public int BaseVersion { get; init; }

    /// <summary>Blob hash of that checkpoint.</summary>
    [Id(3)]
    public string BaseCheckpoint { get; init; } = "";

    /// <summary>When it opened.</summary>
    [Id(4)]
    public DateTimeOffset OpenedAt { get; init; }

    /// <summary>When it closes at the latest.</summary>
    [Id(5)]
    public DateTimeOffset Deadline { get; init; }

    /// <summary>When it stopped accepting.</summary>
    [Id(6)]
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>When the outer step was applied.</summary>
    [Id(7)]
    public DateTimeOffset? AggregatedAt { get; init; }

    /// <summary>Submissions in arrival order.</summary>
    [Id(8)]
    public List<RoundEntry> Submissions { get; init; } = [];

    /// <summary>Held-out losses of the base checkpoint on the round's M batches, computed once by the first validator.</summary>
    [Id(9)]
    public double[]? BeforeLosses { get; init; }

    /// <summary>Rewards granted so far, within the round budget.</summary>
    [Id(10)]
    public Sats RewardsGrantedSat { get; init; }

    /// <summary>The version aggregation produced.</summary>
    [Id(11)]
    public int? NextVersion { get; init; }

    /// <summary>Mean held-out loss before the outer step.</summary>
    [Id(12)]
    public double? LossBefore { get; init; }

    /// <summary>Mean held-out loss after the outer step.</summary>
    [Id(13)]
    public double? LossAfter { get; init; }

    /// <summary>
    /// Per tensor, the median norm of the updates this round accepted (with none accepted, of those
    /// below τ; with neither, carried from the round before): the size of the next round's random directions.
    /// </summary>
    [Id(14)]
    public double[]? AcceptedMedianNorms { get; init; }

    /// <summary>τ of this round and the random-direction baseline behind it, computed once by the first validator.</summary>
    [Id(15)]
    public RoundThreshold? Threshold { get; init; }

    /// <summary>Verdicts still outstanding.</summary>
    public int Pending => Submissions.Count(s => s.Reason is null);
}

/// <summary>How a round took a new submission.</summary>
/// <param name="Sequence">Arrival order (1-based).</param>
/// <param name="Open">False when the round no longer accepts gradients (the submission is stale).</param>
/// <param name="BaseVersion">The round's base version.</param>
/// <param name="DuplicateOf">An earlier submission with the same content hash, if any.</param>
/// <param name="Earlier">Submissions that arrived before this one (id and blob are looked up by the validator).</param>
[GenerateSerializer, Alias("l402.RoundAdmission")]
public sealed record RoundAdmission(int Sequence, bool Open, int BaseVersion, string? DuplicateOf, IReadOnlyList<string> Earlier);
