using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Improvers;
using L402Train.Protocol;
using L402Train.Protocol.Bounties;

namespace L402Train.Gateway.Bounties;

/// <summary>A bounty's state as the protocol shows it (held-out figures coarsened while it is open).</summary>
internal static class BountyViews
{
    /// <summary>The summary of a bounty, as <c>GET /bounties</c> lists it.</summary>
    public static BountySummary Summary(string id, BountyState state, ImprovementBar? bar = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var posted = state.Posted!;
        var terms = posted.Terms;
        // How far the best is ahead of the baseline, in the metric's direction (0 before any improvement).
        double? best = state.BestScore is { } b && state.BaselineScore is { } baseline
            ? HeldOutDisclosure.Improvement(terms.Direction == MetricDirection.Maximize ? b - baseline : baseline - b, state)
            : null;
        return new(id, terms.Title, terms.Metric, ProtocolJson.Name(terms.Direction), ProtocolJson.Name(state.Status), terms.TotalSat.Value,
            state.Pool.RemainingSat.Value, HeldOutDisclosure.Score(state.BestScore, state), state.Version, terms.Deadline, posted.HeldOutSha256, state.Claims.Count, best)
        {
            NoiseSigma = state.NoiseSigma,
            RequiredImprovement = (bar ?? ImprovementBar.Minimum(terms.MinImprovement)).Required,
        };
    }

    /// <summary>The detail of a bounty with the current best's archive bytes.</summary>
    public static BountyDetail Detail(string id, BountyState state, byte[] bestArchive, ImprovementBar? bar = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var posted = state.Posted!;
        var t = posted.Terms;
        return new(id, t.Title, t.Description, t.Metric, ProtocolJson.Name(t.Direction), ProtocolJson.Name(state.Status), t.EvalCommand, t.TargetGlobs, state.Version,
            HeldOutDisclosure.Score(state.BestScore, state), Convert.ToBase64String(bestArchive), t.MinImprovement, t.RateSatPerUnit, state.Pool.RemainingSat.Value,
            t.MaxDiffBytes, t.ForbiddenPatterns, t.EvalTimeoutSeconds, t.EvalMemoryMb, t.Repeats, t.Deadline, posted.HeldOutSha256, posted.CoordinatorFeePct,
            HeldOutDisclosure.Score(state.BaselineScore, state), state.ClosedReason is { } reason ? ProtocolJson.Name(reason) : null)
        {
            ScoreMin = t.Range()?.Min,
            ScoreMax = t.Range()?.Max,
            TargetImprovement = t.TargetScore,
            NoiseSigma = state.NoiseSigma,
            NoiseReruns = t.NoiseReruns,
            NoiseFloor = (bar ?? ImprovementBar.Minimum(t.MinImprovement)).NoiseFloor,
            LeaderThreshold = (bar ?? ImprovementBar.Minimum(t.MinImprovement)).LeaderThreshold,
            RequiredImprovement = (bar ?? ImprovementBar.Minimum(t.MinImprovement)).Required,
            HoldbackPct = t.HoldbackPct,
            HoldbackDelayS = (long)t.HoldbackDelay.TotalSeconds,
            LeaderThresholdRise = t.LeaderThresholdRise,
            LeaderThresholdDecay = t.LeaderThresholdDecay,
            LeaderThresholdPeriodS = t.LeaderThresholdPeriod is { } period ? (long)period.TotalSeconds : null,
        };
    }

    /// <summary>Accepted submissions, best held-out score first (each merge beat the one before, so newest first).</summary>
    public static LeaderboardView Leaderboard(string id, BountyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var direction = state.Posted!.Terms.Direction;
        var ordered = state.Leaderboard
            .OrderByDescending(e => direction == MetricDirection.Maximize ? e.HeldOutScore : -e.HeldOutScore)
            .ThenByDescending(e => e.Version);
        // Public: held-out figures coarsened like every agent's view (the order is still the exact one).
        var rows = ordered.Select((e, i) => new LeaderboardRow(i + 1, e.SubmissionId, e.Agent,
            HeldOutDisclosure.Score(e.HeldOutScore, state)!.Value, HeldOutDisclosure.Improvement(e.Improvement, state)!.Value, e.RewardSat.Value, e.Version, e.AcceptedAt));
        return new(id, state.Version, HeldOutDisclosure.Score(state.BestScore, state), HeldOutDisclosure.Score(state.BaselineScore, state), [.. rows]);
    }
}
