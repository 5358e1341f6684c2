using System.Text.Json.Serialization;

namespace L402Train.Protocol.Training;

/// <summary>What <c>PUT /gradient</c> answers (202).</summary>
/// <param name="SubmissionId">The id to poll and claim with.</param>
/// <param name="Round">The round it was filed under.</param>
/// <param name="Status">Where to poll.</param>
public sealed record SubmissionAccepted(
    [property: JsonPropertyName("submission_id")] string SubmissionId,
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("status")] string Status);

/// <summary>A gradient submission as <c>GET /submissions/{id}</c> shows it to its peer.</summary>
/// <param name="SubmissionId">Its id.</param>
/// <param name="PeerId">The peer.</param>
/// <param name="Round">Its round.</param>
/// <param name="BaseVersion">The version it was trained on.</param>
/// <param name="Status"><c>validating</c> or <c>decided</c>.</param>
/// <param name="Verdict">The verdict reason once decided (<c>accepted</c>, <c>no_improvement</c>, …).</param>
/// <param name="Score">Mean relative held-out loss decrease.</param>
/// <param name="Quality">Score mapped to [0, 1].</param>
/// <param name="Detail">Why.</param>
/// <param name="Deposit">Deposit status (<c>held</c>, <c>refunded</c>, <c>forfeited</c>, …).</param>
/// <param name="DepositSats">Deposit amount.</param>
/// <param name="RewardSats">Reward owed or paid.</param>
/// <param name="Reward">Reward status (<c>none</c>, <c>owed</c>, <c>paying</c>, <c>paid</c>).</param>
/// <param name="ClaimFailure">Why the last claim payment failed, if it did.</param>
public sealed record SubmissionView(
    [property: JsonPropertyName("submission_id")] string SubmissionId,
    [property: JsonPropertyName("peer_id")] string PeerId,
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("base_version")] int BaseVersion,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("verdict")] string? Verdict,
    [property: JsonPropertyName("score")] double? Score,
    [property: JsonPropertyName("quality")] double? Quality,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("deposit")] string Deposit,
    [property: JsonPropertyName("deposit_sats")] long DepositSats,
    [property: JsonPropertyName("reward_sats")] long RewardSats,
    [property: JsonPropertyName("reward")] string Reward,
    [property: JsonPropertyName("claim_failure")] string? ClaimFailure);
