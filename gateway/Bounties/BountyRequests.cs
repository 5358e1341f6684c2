using L402Train.Bounties.Improvers;

namespace L402Train.Gateway.Bounties;

/// <summary>The body of <c>POST /bounties</c> (every field is checked; null means missing).</summary>
public sealed record CreateBountyRequest(
    string? Title,
    string? Description,
    string? Metric,
    MetricDirection? Direction,
    string? EvalCommand,
    IReadOnlyList<string>? TargetGlobs,
    string? BaselineArchive,
    string? HeldoutArchive,
    long? TotalSat,
    DateTimeOffset? Deadline,
    long? RateSatPerUnit,
    double? MinImprovement,
    long? MaxDiffBytes,
    IReadOnlyList<string>? ForbiddenPatterns,
    int? EvalTimeoutS,
    int? EvalMemoryMb,
    int? Repeats,
    double? ScoreMin = null,
    double? ScoreMax = null);

/// <summary>The body of <c>POST /bounty/{id}/commit</c>.</summary>
/// <param name="Commitment">Lowercase hex <c>sha256(diff ‖ nonce)</c>.</param>
/// <param name="Agent">Who commits.</param>
public sealed record CommitRequest(string? Commitment, string? Agent);

/// <summary>The body of <c>POST /bounty/{id}/submit</c>.</summary>
/// <param name="Diff">The unified diff.</param>
/// <param name="BaseVersion">The version it was made against.</param>
/// <param name="ClaimedScore">The score the agent claims.</param>
/// <param name="Nonce">Reveals a commitment.</param>
/// <param name="Agent">The agent's name.</param>
public sealed record SubmitRequest(string? Diff, int? BaseVersion, double? ClaimedScore, string? Nonce, string? Agent);

/// <summary>A body holding a BOLT11 invoice (cancel).</summary>
/// <param name="Invoice">The invoice.</param>
public sealed record InvoiceBody(string? Invoice);
