using System.Text.Json.Serialization;

namespace L402Train.PeerAgent.Bounties;

// Client-side mirrors of the bounty wire contract (docs/PROTOCOL.md §4). They are not shared with
// the gateway on purpose: the JSON on the wire is the contract, so either side can change its types.

/// <summary>One bounty as <c>GET /bounties</c> lists it.</summary>
public sealed record RemoteBountySummary(
    string Id, string Title, string Metric, string Direction, string Status, long TotalSat, long RemainingSat,
    double? BestScore, int Version, DateTimeOffset? Deadline, [property: JsonPropertyName("heldout_sha256")] string? HeldoutSha256);

/// <summary>The body of <c>GET /bounties</c>.</summary>
public sealed record RemoteBountyList(IReadOnlyList<RemoteBountySummary> Bounties);

/// <summary>A bounty's task as <c>GET /bounty/{id}</c> sells it: the eval, the rules and the current best tree.</summary>
public sealed record RemoteBounty(
    string Id, string Title, string? Description, string Metric, string Direction, string Status, string EvalCommand,
    IReadOnlyList<string> TargetGlobs, int Version, double? BestScore, string BaselineArchive, double MinImprovement,
    double RateSatPerUnit, long RemainingSat, long MaxDiffBytes, IReadOnlyList<string>? ForbiddenPatterns, int EvalTimeoutS,
    int EvalMemoryMb, int Repeats, DateTimeOffset? Deadline, [property: JsonPropertyName("heldout_sha256")] string? HeldoutSha256,
    double CoordinatorFeePct);

/// <summary>The body of <c>POST /bounties</c>.</summary>
public sealed record NewBounty(
    string Title, string Description, string Metric, string Direction, string EvalCommand, IReadOnlyList<string> TargetGlobs,
    string BaselineArchive, [property: JsonPropertyName("heldout_archive")] string HeldoutArchive, long TotalSat, DateTimeOffset Deadline,
    double RateSatPerUnit, double MinImprovement, long MaxDiffBytes, IReadOnlyList<string> ForbiddenPatterns, int EvalTimeoutS,
    int EvalMemoryMb, int Repeats);

/// <summary>What <c>POST /bounties</c> answers: the id, the invoice that funds the pool and the sponsor's macaroon.</summary>
public sealed record CreatedBounty(
    string Id, string Status, string FundingInvoice, string FundingPaymentHash, string SponsorMacaroon,
    [property: JsonPropertyName("heldout_sha256")] string HeldoutSha256);

/// <summary>What <c>POST /bounty/{id}/commit</c> answers.</summary>
public sealed record RemoteCommitment(string Commitment, int Sequence, DateTimeOffset? CommittedAt);

/// <summary>What <c>POST /bounty/{id}/submit</c> answers.</summary>
public sealed record RemoteSubmitted(string SubmissionId, string BountyId, string Status, string? Location);

/// <summary>A submission as <c>GET /bounty/{id}/submissions/{sid}</c> shows it (the sponsor's list adds the diff and the stdout tail).</summary>
public sealed record RemoteBountySubmission(
    string SubmissionId, string BountyId, string? Agent, string Status, string? Reason, double? PublicScore,
    [property: JsonPropertyName("heldout_score")] double? HeldoutScore, double? Improvement, int? NewVersion, long RewardSat, long FeeSat,
    string Deposit, string Reward, string? CreditedTo, string? Diff = null, string? PublicStdoutTail = null)
{
    /// <summary>True once the validator has decided.</summary>
    public bool IsDecided => Status is "accepted" or "rejected";

    /// <summary>What the agent may claim: the reward less the coordinator's fee.</summary>
    public long ClaimableSat => Math.Max(0, RewardSat - FeeSat);
}

/// <summary>The body of <c>GET /bounty/{id}/submissions</c> (sponsor only).</summary>
public sealed record RemoteBountySubmissions(IReadOnlyList<RemoteBountySubmission> Submissions);

/// <summary>What <c>POST …/claim</c> answers.</summary>
public sealed record RemoteBountyClaim(string SubmissionId, string PaymentHash, long AmountSat, string Status);

/// <summary>One accepted improvement on the leaderboard.</summary>
public sealed record RemoteLeaderboardEntry(
    int Rank, string SubmissionId, string? Agent, [property: JsonPropertyName("heldout_score")] double? HeldoutScore, double? Improvement,
    long RewardSat, int Version, DateTimeOffset? AcceptedAt);

/// <summary>The body of <c>GET /bounty/{id}/leaderboard</c>.</summary>
public sealed record RemoteLeaderboard(string BountyId, int Version, double? BestScore, double? BaselineScore, IReadOnlyList<RemoteLeaderboardEntry> Entries);

/// <summary>What <c>POST /bounty/{id}/cancel</c> answers.</summary>
public sealed record RemoteCancellation(string BountyId, string Status, long RefundSat, string? PaymentHash);
