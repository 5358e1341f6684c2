namespace L402Train.PeerAgent.Research;

/// <summary>One worker's line of the leaderboard.</summary>
/// <param name="AgentId">The worker's node key.</param>
/// <param name="Name">Its registration's name (or its endpoint when only the local results know it).</param>
/// <param name="Endpoint">Its experiment endpoint.</param>
/// <param name="AdvertisedBestValBpb">The best val_bpb its signed registration claims.</param>
/// <param name="LocalBestValBpb">The best val_bpb it delivered to this loop (completed, paid, verified lines only).</param>
/// <param name="LocalExperiments">Experiments this loop bought from it.</param>
/// <param name="BestExperimentId">The local experiment that reached <paramref name="LocalBestValBpb"/>.</param>
public sealed record LeaderboardEntry(string AgentId, string Name, string Endpoint, double? AdvertisedBestValBpb, double? LocalBestValBpb, int LocalExperiments, string? BestExperimentId)
{
    /// <summary>The worker's best known val_bpb: what it delivered here when it did, else what it claims.</summary>
    public double? Best => LocalBestValBpb ?? AdvertisedBestValBpb;
}

/// <summary>
/// The seed's leaderboard: best val_bpb per worker, from the index's signed registrations and from this
/// loop's own <c>results.jsonl</c>, ranked lowest first (a measured result before a claimed one at a tie,
/// workers with no number last). Only lines that verify (<see cref="ResearchResultCheck"/>) and
/// completed count: a result nobody paid for, or one that failed, ranks nothing.
/// </summary>
public static class ResearchLeaderboard
{
    /// <summary>Ranks <paramref name="workers"/> and the workers of <paramref name="results"/>; <paramref name="limit"/> lines at most.</summary>
    public static IReadOnlyList<LeaderboardEntry> Rank(IReadOnlyList<WorkerCandidate> workers, IReadOnlyList<ResearchResult> results, int limit)
    {
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(results);
        var counted = results.Where(r => r.Status == "completed" && r.ValBpb is not null && ResearchResultCheck.Problems(r).Count == 0).ToList();
        var byAgent = results.GroupBy(r => r.WorkerAgentId, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        var entries = new Dictionary<string, LeaderboardEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var w in workers) entries.TryAdd(w.AgentId, new LeaderboardEntry(w.AgentId, w.Name, w.Endpoint.AbsoluteUri, w.BestValBpb, null, 0, null));
        foreach (var (agent, lines) in byAgent)
        {
            var best = counted.Where(r => string.Equals(r.WorkerAgentId, agent, StringComparison.OrdinalIgnoreCase)).MinBy(r => r.ValBpb);
            var known = entries.GetValueOrDefault(agent) ?? new LeaderboardEntry(agent, lines[^1].WorkerEndpoint, lines[^1].WorkerEndpoint, null, null, 0, null);
            entries[agent] = known with { LocalBestValBpb = best?.ValBpb, LocalExperiments = lines.Count, BestExperimentId = best?.ExperimentId };
        }
        return [.. entries.Values
            .OrderBy(e => e.Best is null ? 1 : 0)
            .ThenBy(e => e.Best ?? double.MaxValue)
            .ThenBy(e => e.LocalBestValBpb is null ? 1 : 0)
            .ThenBy(e => e.AgentId, StringComparer.Ordinal)
            .Take(limit)];
    }
}
