using System.Text.Json.Serialization;

namespace L402Train.Protocol.Bounties;

/// <summary>
/// What <c>POST /bounty/{id}/submit</c> answers: 200 with the verdict when it came within the wait
/// (<c>accepted</c>, <c>reward_sats</c>), else 202 while validating with where to poll it.
/// </summary>
/// <param name="SubmissionId">The submission's id (the deposit's payment hash).</param>
/// <param name="BountyId">The bounty.</param>
/// <param name="Status"><c>validating</c>, <c>accepted</c> or <c>rejected</c>.</param>
/// <param name="Location">Where to poll the verdict.</param>
public sealed record BountySubmissionAccepted(
    [property: JsonPropertyName("submission_id")] string SubmissionId,
    [property: JsonPropertyName("bounty_id")] string BountyId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("location")] string? Location)
{
    /// <summary>The version the diff was taken against (the current one at arrival when the body did not say).</summary>
    [JsonPropertyName("base_version")] public int BaseVersion { get; init; }

    /// <summary>True when accepted, false when rejected; absent while validating.</summary>
    [JsonPropertyName("accepted")] public bool? Accepted { get; init; }

    /// <summary>The reward (claim it for <c>reward_sats − fee_sats</c>); absent while validating.</summary>
    [JsonPropertyName("reward_sats")] public long? RewardSats { get; init; }

    /// <summary>The coordinator's fee out of the reward; absent while validating.</summary>
    [JsonPropertyName("fee_sats")] public long? FeeSats { get; init; }

    /// <summary>The verdict's code; absent while validating.</summary>
    [JsonPropertyName("reason")] public string? Reason { get; init; }
}

/// <summary>
/// A bounty submission as <c>GET /bounty/{id}/submissions/{sid}</c> shows it: held-out figures coarsened
/// for everyone but the sponsor while the bounty is open; the sponsor's view adds the diff and the public output.
/// </summary>
/// <param name="SubmissionId">Its id.</param>
/// <param name="BountyId">The bounty.</param>
/// <param name="Agent">Who submitted.</param>
/// <param name="BaseVersion">The version the diff was made against.</param>
/// <param name="Status"><c>validating</c>, <c>accepted</c> or <c>rejected</c>.</param>
/// <param name="Reason">The verdict's code.</param>
/// <param name="Detail">The verdict in words.</param>
/// <param name="PublicScore">The score on the public set.</param>
/// <param name="HeldoutScore">The score on the held-out set.</param>
/// <param name="Improvement">Held-out improvement over the version it was made against.</param>
/// <param name="NewVersion">The version it became, when accepted.</param>
/// <param name="RewardSats">The reward.</param>
/// <param name="FeeSats">The coordinator's fee out of it.</param>
/// <param name="Deposit"><c>held</c>, <c>refunded</c> or <c>forfeited</c>.</param>
/// <param name="DepositFinal">True once the deposit's hold invoice is settled or cancelled.</param>
/// <param name="Reward"><c>none</c>, <c>owed</c>, <c>paying</c>, <c>paid</c>, …</param>
/// <param name="CreditedTo">The submission an identical earlier commitment credits instead.</param>
/// <param name="ClaimFailure">Why the last claim payment failed.</param>
/// <param name="ArrivalSequence">Its place in the order of arrival.</param>
/// <param name="CommitSequence">Its commitment's place, when it revealed one.</param>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="DecidedAt">When it was decided.</param>
public sealed record BountySubmissionView(
    [property: JsonPropertyName("submission_id")] string SubmissionId,
    [property: JsonPropertyName("bounty_id")] string BountyId,
    [property: JsonPropertyName("agent")] string? Agent,
    [property: JsonPropertyName("base_version")] int BaseVersion,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("public_score")] double? PublicScore,
    [property: JsonPropertyName("heldout_score")] double? HeldoutScore,
    [property: JsonPropertyName("improvement")] double? Improvement,
    [property: JsonPropertyName("new_version")] int? NewVersion,
    [property: JsonPropertyName("reward_sats")] long RewardSats,
    [property: JsonPropertyName("fee_sats")] long FeeSats,
    [property: JsonPropertyName("deposit")] string Deposit,
    [property: JsonPropertyName("deposit_final")] bool DepositFinal,
    [property: JsonPropertyName("reward")] string Reward,
    [property: JsonPropertyName("credited_to")] string? CreditedTo,
    [property: JsonPropertyName("claim_failure")] string? ClaimFailure,
    [property: JsonPropertyName("arrival_sequence")] int ArrivalSequence,
    [property: JsonPropertyName("commit_sequence")] int? CommitSequence,
    [property: JsonPropertyName("received_at")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("decided_at")] DateTimeOffset? DecidedAt)
{
    /// <summary>The diff (sponsor view only).</summary>
    [JsonPropertyName("diff")]
    public string? Diff { get; init; }

    /// <summary>The end of the first public run's stdout (sponsor view only).</summary>
    [JsonPropertyName("public_stdout_tail")]
    public string? PublicStdoutTail { get; init; }

    /// <summary>How the held-out eval failed, when it did (sponsor view only).</summary>
    [JsonPropertyName("heldout_failure")]
    public string? HeldoutFailure { get; init; }

    /// <summary>True once the validator has decided.</summary>
    [JsonIgnore]
    public bool IsDecided => Status is "accepted" or "rejected";

    /// <summary>The part of the payout held back until the re-evaluation on a fresh held-out slice (0 when none).</summary>
    [JsonPropertyName("holdback_sats")]
    public long HoldbackSats { get; init; }

    /// <summary>The holdback: <c>none</c>, <c>held</c>, <c>released</c> (claim it), <c>paying</c>, <c>paid</c> or <c>forfeited</c>.</summary>
    [JsonPropertyName("holdback")]
    public string Holdback { get; init; } = "none";

    /// <summary>When the holdback's re-evaluation runs.</summary>
    [JsonPropertyName("holdback_due_at")]
    public DateTimeOffset? HoldbackDueAt { get; init; }

    /// <summary>What the first claim is for: the reward less the coordinator's fee and the holdback (the holdback is claimed apart once released).</summary>
    [JsonIgnore]
    public long ClaimableSats => Math.Max(0, RewardSats - FeeSats - HoldbackSats);
}

/// <summary>The body of <c>GET /bounty/{id}/submissions</c> (sponsor only).</summary>
/// <param name="Submissions">Every filed submission with its diff and public output.</param>
public sealed record SponsorSubmissionList([property: JsonPropertyName("submissions")] IReadOnlyList<BountySubmissionView> Submissions);

/// <summary>One row of <c>GET /bounty/{id}/leaderboard</c>.</summary>
/// <param name="Rank">1 is the best.</param>
/// <param name="SubmissionId">The accepted submission.</param>
/// <param name="Agent">Who made it.</param>
/// <param name="HeldoutScore">Its held-out score (coarsened while open).</param>
/// <param name="Improvement">Its improvement (coarsened while open).</param>
/// <param name="RewardSats">Its reward.</param>
/// <param name="Version">The version it became.</param>
/// <param name="AcceptedAt">When it was accepted.</param>
public sealed record LeaderboardRow(
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("submission_id")] string SubmissionId,
    [property: JsonPropertyName("agent")] string? Agent,
    [property: JsonPropertyName("heldout_score")] double HeldoutScore,
    [property: JsonPropertyName("improvement")] double Improvement,
    [property: JsonPropertyName("reward_sats")] long RewardSats,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("accepted_at")] DateTimeOffset AcceptedAt);

/// <summary>The body of <c>GET /bounty/{id}/leaderboard</c>.</summary>
/// <param name="BountyId">The bounty.</param>
/// <param name="Version">Its current version.</param>
/// <param name="BestScore">The best held-out score.</param>
/// <param name="BaselineScore">The baseline's held-out score.</param>
/// <param name="Entries">Accepted submissions, best first.</param>
public sealed record LeaderboardView(
    [property: JsonPropertyName("bounty_id")] string BountyId,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("best_score")] double? BestScore,
    [property: JsonPropertyName("baseline_score")] double? BaselineScore,
    [property: JsonPropertyName("entries")] IReadOnlyList<LeaderboardRow> Entries);
