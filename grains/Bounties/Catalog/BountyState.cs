using L402Train.Lightning;

namespace L402Train.Grains.Bounties.Catalog;

/// <summary>What the gateway hands the bounty grain when a sponsor posts a bounty.</summary>
/// <param name="Terms">The sponsor's terms.</param>
/// <param name="BaselineBlob">Blob hash of the baseline archive (tree with the public set under <c>public/</c>).</param>
/// <param name="HeldOutBlob">Blob hash of the held-out archive; its bytes are never served while the bounty is open.</param>
/// <param name="HeldOutSha256">SHA-256 of the held-out archive bytes, published at creation.</param>
/// <param name="FundingPaymentHash">The funding invoice's hash (hex).</param>
/// <param name="FundingInvoice">The funding invoice (BOLT11).</param>
/// <param name="FundingExpiresAt">When the funding invoice expires.</param>
/// <param name="CoordinatorFeePct">The coordinator's fee on every reward, in percent, fixed at creation.</param>
[GenerateSerializer, Immutable, Alias("l402.NewBounty")]
public sealed record NewBounty(
    BountyTerms Terms,
    string BaselineBlob,
    string HeldOutBlob,
    string HeldOutSha256,
    PaymentHash FundingPaymentHash,
    string FundingInvoice,
    DateTimeOffset FundingExpiresAt,
    decimal CoordinatorFeePct)
{
    /// <summary>
    /// Blob hash of the holdback slice: a fresh held-out set the temporal holdback's re-evaluation scores on, never
    /// used in validation; null: the re-evaluation reruns the held-out set under fresh seeds.
    /// </summary>
    [Id(8)]
    public string? HoldbackBlob { get; init; }
}

/// <summary>A registered commit-before-reveal: <c>sha256(diff ‖ nonce)</c>.</summary>
/// <param name="Commitment">The hash (lowercase hex).</param>
/// <param name="Sequence">1-based order within the bounty.</param>
/// <param name="Agent">Who registered it.</param>
/// <param name="CommittedAt">When.</param>
[GenerateSerializer, Immutable, Alias("l402.CommitmentRecord")]
public sealed record CommitmentRecord(string Commitment, int Sequence, string Agent, DateTimeOffset CommittedAt);

/// <summary>A submission's claim on a diff: identical diffs are credited to the earliest claim.</summary>
/// <param name="DiffHash">SHA-256 of the normalized diff text.</param>
/// <param name="SubmissionId">The submission.</param>
/// <param name="CommitSequence">The sequence of the commitment it revealed; null when it revealed none.</param>
/// <param name="ArrivalSequence">1-based arrival order within the bounty.</param>
/// <param name="VersionAtArrival">The bounty's version when the submission arrived.</param>
[GenerateSerializer, Immutable, Alias("l402.DiffClaim")]
public sealed record DiffClaim(string DiffHash, string SubmissionId, int? CommitSequence, int ArrivalSequence, int VersionAtArrival)
{
    /// <summary>Order of precedence: revealed commitments by sequence first, then uncommitted submissions by arrival.</summary>
    public (int, int) Precedence => (CommitSequence ?? int.MaxValue, ArrivalSequence);
}

/// <summary>One accepted submission, merged as a new version.</summary>
/// <param name="SubmissionId">The submission.</param>
/// <param name="Agent">Its agent.</param>
/// <param name="Version">The version it created.</param>
/// <param name="PublicScore">Mean public score.</param>
/// <param name="HeldOutScore">Mean held-out score.</param>
/// <param name="Improvement">Held-out improvement over the version it replaced (in the metric's direction).</param>
/// <param name="RewardSat">The reward granted (fee included).</param>
/// <param name="FeeSat">The coordinator's fee out of it.</param>
/// <param name="AcceptedAt">When it merged.</param>
/// <param name="TreeBlob">Blob hash of the archive of the tree it created.</param>
/// <param name="Paid">True once the agent's claim was paid.</param>
/// <param name="HoldbackSat">The part of the agent's payout held back until the re-evaluation (out of <c>RewardSat − FeeSat</c>).</param>
/// <param name="HoldbackDueAt">When the holdback's re-evaluation runs.</param>
/// <param name="Holdback">Where the holdback stands.</param>
[GenerateSerializer, Immutable, Alias("l402.LeaderboardEntry")]
public sealed record LeaderboardEntry(
    string SubmissionId, string Agent, int Version, double PublicScore, double HeldOutScore, double Improvement,
    Sats RewardSat, Sats FeeSat, DateTimeOffset AcceptedAt, string TreeBlob, bool Paid = false,
    Sats HoldbackSat = default, DateTimeOffset? HoldbackDueAt = null, HoldbackStatus Holdback = HoldbackStatus.None);

/// <summary>Where the temporal holdback of an accepted submission stands (the wire's <c>holdback</c>, snake_case).</summary>
[GenerateSerializer, Alias("l402.HoldbackStatus")]
public enum HoldbackStatus
{
    /// <summary>Nothing is held back (rejected, or a bounty without a holdback).</summary>
    None,
    /// <summary>Held until the re-evaluation on a fresh held-out slice.</summary>
    Held,
    /// <summary>The improvement held up: the holdback is owed and may be claimed.</summary>
    Released,
    /// <summary>A claim of the holdback is being paid.</summary>
    Paying,
    /// <summary>Paid (final).</summary>
    Paid,
    /// <summary>The improvement did not hold up: the holdback went back to the bounty's pool (final).</summary>
    Forfeited,
}

/// <summary>The refund of a cancelled bounty's remaining pool to its sponsor.</summary>
/// <param name="PaymentHash">The sponsor's invoice hash.</param>
/// <param name="AmountSat">The refund.</param>
/// <param name="Status">Paying, paid or failed (a failed refund may be claimed again with a new invoice).</param>
/// <param name="Failure">Why the last attempt failed.</param>
[GenerateSerializer, Immutable, Alias("l402.SponsorRefund")]
public sealed record SponsorRefund(PaymentHash? PaymentHash, Sats AmountSat, RefundStatus Status, string? Failure = null);

/// <summary>Where a sponsor refund stands.</summary>
[GenerateSerializer, Alias("l402.RefundStatus")]
public enum RefundStatus
{
    /// <summary>Queued or in flight.</summary>
    Paying,
    /// <summary>Paid (final).</summary>
    Paid,
    /// <summary>Failed; the sponsor may send another invoice.</summary>
    Failed,
    /// <summary>Nothing was left to refund.</summary>
    Nothing,
}

/// <summary>The durable state of one bounty.</summary>
[GenerateSerializer, Alias("l402.BountyState")]
public sealed record BountyState
{
    /// <summary>What was posted; null for an unknown id.</summary>
    [Id(0)]
    public NewBounty? Posted { get; init; }

    /// <summary>Life-cycle status.</summary>
    [Id(1)]
    public BountyStatus Status { get; init; }

    /// <summary>Why it closed.</summary>
    [Id(2)]
    public BountyCloseReason? ClosedReason { get; init; }

    /// <summary>When it was posted.</summary>
    [Id(3)]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the funding settled.</summary>
    [Id(4)]
    public DateTimeOffset? FundedAt { get; init; }

    /// <summary>When it closed.</summary>
    [Id(5)]
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>How many funding checks ran (names the next check's job).</summary>
    [Id(6)]
    public int FundingChecks { get; init; }

    /// <summary>The current best's version: 0 is the baseline, each merge adds one.</summary>
    [Id(7)]
    public int Version { get; init; }

    /// <summary>Blob hash of the current best tree's archive.</summary>
    [Id(8)]
    public string? BestBlob { get; init; }

    /// <summary>Public scores of the current best (one per repeat); null until scored.</summary>
    [Id(9)]
    public IReadOnlyList<double>? BestPublicScores { get; init; }

    /// <summary>Held-out scores of the current best (one per repeat); null until scored.</summary>
    [Id(10)]
    public IReadOnlyList<double>? BestHeldOutScores { get; init; }

    /// <summary>The baseline's mean held-out score.</summary>
    [Id(11)]
    public double? BaselineScore { get; init; }

    /// <summary>The money.</summary>
    [Id(12)]
    public BountyPool Pool { get; init; } = new(Sats.Zero);

    /// <summary>Accepted submissions in merge order.</summary>
    [Id(13)]
    public IReadOnlyList<LeaderboardEntry> Leaderboard { get; init; } = [];

    /// <summary>Registered commitments in sequence order.</summary>
    [Id(14)]
    public IReadOnlyList<CommitmentRecord> Commitments { get; init; } = [];

    /// <summary>Every submission's claim on its diff, in arrival order.</summary>
    [Id(15)]
    public IReadOnlyList<DiffClaim> Claims { get; init; } = [];

    /// <summary>The sponsor refund, once cancelled.</summary>
    [Id(16)]
    public SponsorRefund? Refund { get; init; }

    /// <summary>Seeds of the eval runs (<c>L402_EVAL_SEED</c>), drawn at creation and kept secret: run i of every tree gets seed i, so comparisons are paired. Empty for bounties stored before.</summary>
    [Id(17)]
    public IReadOnlyList<int> EvalSeeds { get; init; } = [];

    /// <summary>σ of the baseline's held-out reruns at activation (sample standard deviation); null until measured.</summary>
    [Id(18)]
    public double? NoiseSigma { get; init; }

    /// <summary>How many held-out reruns <see cref="NoiseSigma"/> was measured over.</summary>
    [Id(19)]
    public int NoiseRuns { get; init; }

    /// <summary>The mean held-out score of the current best.</summary>
    public double? BestScore => BestHeldOutScores is { Count: > 0 } s ? s.Average() : null;

    /// <summary>The submission credited with <paramref name="diffHash"/>: the earliest claim by precedence.</summary>
    public string? CreditedClaimOf(string diffHash) =>
        Claims.Where(c => c.DiffHash == diffHash).MinBy(c => c.Precedence)?.SubmissionId;
}
