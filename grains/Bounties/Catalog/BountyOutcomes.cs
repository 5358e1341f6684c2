using L402Train.Lightning;

namespace L402Train.Grains.Bounties.Catalog;

/// <summary>What the funding job saw on the node.</summary>
[GenerateSerializer, Alias("l402.FundingObservation")]
public enum FundingObservation
{
    /// <summary>Not paid yet, not expired.</summary>
    Unpaid,
    /// <summary>Paid.</summary>
    Settled,
    /// <summary>Expired or cancelled unpaid.</summary>
    Expired,
}

/// <summary>The answer to a commitment.</summary>
/// <param name="Record">The commitment as registered (the original when it was registered before); null when refused.</param>
/// <param name="Created">True when this call registered it.</param>
[GenerateSerializer, Immutable, Alias("l402.CommitResult")]
public sealed record CommitResult(CommitmentRecord? Record, bool Created)
{
    /// <summary>True when the bounty is closed and took nothing.</summary>
    public bool Closed => Record is null;
}

/// <summary>How a bounty took a new submission.</summary>
/// <param name="Open">False when the bounty no longer takes submissions.</param>
/// <param name="ArrivalSequence">1-based arrival order (0 when refused).</param>
/// <param name="CommitSequence">The sequence of the commitment the submission revealed, if any.</param>
/// <param name="VersionAtArrival">The bounty's version when it arrived (a base version other than this is stale).</param>
[GenerateSerializer, Immutable, Alias("l402.SubmissionAdmission")]
public sealed record SubmissionAdmission(bool Open, int ArrivalSequence, int? CommitSequence, int VersionAtArrival);

/// <summary>A validated improvement the validator asks the bounty to merge.</summary>
/// <param name="SubmissionId">The submission.</param>
/// <param name="Agent">Its agent.</param>
/// <param name="BaseVersion">The version it was validated against.</param>
/// <param name="TreeBlob">Blob hash of the archive of the merged tree (current best + diff).</param>
/// <param name="PublicScores">Its public scores.</param>
/// <param name="HeldOutScores">Its held-out scores.</param>
/// <param name="Improvement">Mean held-out improvement over the current best.</param>
[GenerateSerializer, Alias("l402.MergeRequest")]
public sealed record MergeRequest(
    string SubmissionId, string Agent, int BaseVersion, string TreeBlob,
    IReadOnlyList<double> PublicScores, IReadOnlyList<double> HeldOutScores, double Improvement);

/// <summary>How a merge went.</summary>
[GenerateSerializer, Alias("l402.MergeOutcome")]
public enum MergeOutcome
{
    /// <summary>Merged as a new version; the reward is granted.</summary>
    Merged,
    /// <summary>Another submission merged first: the verdict was computed against a version that moved.</summary>
    Superseded,
    /// <summary>The bounty closed before the merge.</summary>
    Closed,
}

/// <summary>The result of <see cref="IBountyGrain.MergeAsync"/>.</summary>
/// <param name="Outcome">Merged, superseded or closed.</param>
/// <param name="Version">The new version when merged; otherwise the bounty's current version.</param>
/// <param name="RewardSat">The reward granted (fee included).</param>
/// <param name="FeeSat">The coordinator's fee out of it.</param>
/// <param name="HoldbackSat">The part of the agent's payout held back until the re-evaluation.</param>
/// <param name="HoldbackDueAt">When the re-evaluation runs (null without a holdback).</param>
[GenerateSerializer, Immutable, Alias("l402.MergeResult")]
public sealed record MergeResult(MergeOutcome Outcome, int Version, Sats RewardSat, Sats FeeSat, Sats HoldbackSat = default, DateTimeOffset? HoldbackDueAt = null);

/// <summary>The sponsor's invoice for the refund of a cancelled bounty.</summary>
/// <param name="PaymentHash">Its hash.</param>
/// <param name="Bolt11">The invoice.</param>
/// <param name="AmountSat">Its amount.</param>
/// <param name="MaxFeeSat">Most routing fee the coordinator pays on top.</param>
[GenerateSerializer, Immutable, Alias("l402.RefundRequest")]
public sealed record RefundRequest(PaymentHash PaymentHash, string Bolt11, Sats AmountSat, Sats MaxFeeSat);

/// <summary>How a cancel went.</summary>
[GenerateSerializer, Alias("l402.CancelOutcome")]
public enum CancelOutcome
{
    /// <summary>Closed; the refund of what was left is queued.</summary>
    Queued,
    /// <summary>Closed; nothing was left to refund.</summary>
    NothingToRefund,
    /// <summary>The same refund invoice again: already queued or paid.</summary>
    AlreadyQueued,
    /// <summary>An invoice is needed: something is left to refund.</summary>
    InvoiceRequired,
    /// <summary>The invoice is not for exactly what is left.</summary>
    WrongAmount,
    /// <summary>The bounty is not funded yet (it closes when the funding invoice expires).</summary>
    NotFunded,
    /// <summary>Another refund is being paid or was paid.</summary>
    AlreadyRefunded,
}

/// <summary>The result of <see cref="IBountyGrain.CancelAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="RefundSat">The refund (what was left).</param>
/// <param name="PaymentHash">The refund invoice's hash, when one is paid.</param>
[GenerateSerializer, Immutable, Alias("l402.CancelResult")]
public sealed record CancelResult(CancelOutcome Outcome, Sats RefundSat, PaymentHash? PaymentHash);
