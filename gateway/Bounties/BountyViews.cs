using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Improvers;

namespace L402Train.Gateway.Bounties;

/// <summary>Response of <c>POST /bounties</c>.</summary>
public sealed record BountyCreated(string Id, BountyStatus Status, string FundingInvoice, string FundingPaymentHash, string SponsorMacaroon, string HeldoutSha256)
{
    /// <summary>What the sponsor should know about the terms (eval files listed as targets); empty when nothing.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>One bounty in <c>GET /bounties</c>.</summary>
public sealed record BountySummary(
    string Id, string Title, string Metric, MetricDirection Direction, BountyStatus Status, long TotalSat, long RemainingSat,
    double? BestScore, int Version, DateTimeOffset Deadline, string HeldoutSha256)
{
    /// <summary>The summary of a bounty.</summary>
    public static BountySummary From(string id, BountyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var posted = state.Posted!;
        return new(id, posted.Terms.Title, posted.Terms.Metric, posted.Terms.Direction, state.Status, posted.Terms.TotalSat,
            state.Pool.RemainingSat, HeldOutDisclosure.Score(state.BestScore, state), state.Version, posted.Terms.Deadline, posted.HeldOutSha256);
    }
}

/// <summary>Response of <c>GET /bounties</c>.</summary>
public sealed record BountyList(IReadOnlyList<BountySummary> Bounties);

/// <summary>Response of <c>GET /bounty/{id}</c> (paid): everything an agent needs to work on the current best.</summary>
public sealed record BountyDetail(
    string Id, string Title, string Description, string Metric, MetricDirection Direction, BountyStatus Status, string EvalCommand,
    IReadOnlyList<string> TargetGlobs, int Version, double? BestScore, string BaselineArchive, double MinImprovement, long RateSatPerUnit,
    long RemainingSat, long MaxDiffBytes, IReadOnlyList<string> ForbiddenPatterns, int EvalTimeoutS, int EvalMemoryMb, int Repeats,
    DateTimeOffset Deadline, string HeldoutSha256, decimal CoordinatorFeePct, double? BaselineScore, BountyCloseReason? ClosedReason)
{
    /// <summary>Least valid score: a run printing less fails (null: any finite score).</summary>
    public double? ScoreMin { get; init; }

    /// <summary>Greatest valid score: a run printing more fails (null: any finite score).</summary>
    public double? ScoreMax { get; init; }

    /// <summary>The detail of a bounty with the current best's archive bytes.</summary>
    public static BountyDetail From(string id, BountyState state, byte[] bestArchive)
    {
        ArgumentNullException.ThrowIfNull(state);
        var posted = state.Posted!;
        var t = posted.Terms;
        return new(id, t.Title, t.Description, t.Metric, t.Direction, state.Status, t.EvalCommand, t.TargetGlobs, state.Version, HeldOutDisclosure.Score(state.BestScore, state),
            Convert.ToBase64String(bestArchive), t.MinImprovement, t.RateSatPerUnit, state.Pool.RemainingSat, t.MaxDiffBytes, t.ForbiddenPatterns,
            t.EvalTimeoutSeconds, t.EvalMemoryMb, t.Repeats, t.Deadline, posted.HeldOutSha256, posted.CoordinatorFeePct, HeldOutDisclosure.Score(state.BaselineScore, state), state.ClosedReason)
        {
            ScoreMin = t.Range()?.Min,
            ScoreMax = t.Range()?.Max,
        };
    }
}

/// <summary>Response of <c>POST /bounty/{id}/commit</c>.</summary>
public sealed record CommitAccepted(string Commitment, int Sequence, DateTimeOffset CommittedAt);

/// <summary>Response of <c>POST /bounty/{id}/submit</c>.</summary>
public sealed record BountySubmissionAccepted(string SubmissionId, string BountyId, string Status, string Location);

/// <summary>Response of <c>POST /bounty/{id}/submissions/{sid}/claim</c>.</summary>
public sealed record BountyClaimAccepted(string SubmissionId, string PaymentHash, long AmountSat, string Status);

/// <summary>Response of <c>POST /bounty/{id}/cancel</c>.</summary>
public sealed record BountyCancelled(string BountyId, BountyStatus Status, long RefundSat, string? PaymentHash);

/// <summary>One row of the leaderboard.</summary>
public sealed record LeaderboardRow(int Rank, string SubmissionId, string Agent, double HeldoutScore, double Improvement, long RewardSat, int Version, DateTimeOffset AcceptedAt);

/// <summary>Response of <c>GET /bounty/{id}/leaderboard</c>.</summary>
public sealed record LeaderboardView(string BountyId, int Version, double? BestScore, double? BaselineScore, IReadOnlyList<LeaderboardRow> Entries)
{
    /// <summary>Accepted submissions, best held-out score first (each merge beat the one before, so newest first).</summary>
    public static LeaderboardView From(string id, BountyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var direction = state.Posted!.Terms.Direction;
        var ordered = state.Leaderboard
            .OrderByDescending(e => direction == MetricDirection.Maximize ? e.HeldOutScore : -e.HeldOutScore)
            .ThenByDescending(e => e.Version);
        // Public: held-out figures coarsened like every agent's view (the order is still the exact one).
        var rows = ordered.Select((e, i) => new LeaderboardRow(i + 1, e.SubmissionId, e.Agent,
            HeldOutDisclosure.Score(e.HeldOutScore, state)!.Value, HeldOutDisclosure.Improvement(e.Improvement, state)!.Value, e.RewardSat, e.Version, e.AcceptedAt));
        return new(id, state.Version, HeldOutDisclosure.Score(state.BestScore, state), HeldOutDisclosure.Score(state.BaselineScore, state), [.. rows]);
    }
}

/// <summary>Response of <c>GET /bounty/{id}/submissions</c> (sponsor).</summary>
public sealed record SponsorSubmissionList(IReadOnlyList<BountySubmissionView> Submissions);
