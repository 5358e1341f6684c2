using System.Collections.Concurrent;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Payments;
using L402Train.Grains.Training;

namespace L402Train.Gateway.Board;

/// <summary>
/// Reads what the board shows from the grains. An aggregated round never changes, so its summary is
/// kept after the first read; only the rounds still open are read again on each refresh.
/// </summary>
internal sealed class BoardReader(IGrainFactory grains)
{
    // Grain calls in flight at once while reading many rounds or bounties.
    private const int Parallelism = 32;

    /// <summary>How many recent rounds the peers page aggregates (lifetime totals come from each peer's grain).</summary>
    public const int PeerWindowRounds = 100;

    /// <summary>How many peers the peers page lists (the top earners of the window).</summary>
    public const int PeerListLimit = 200;

    private readonly ConcurrentDictionary<int, RoundSummary> finished = new();

    private readonly ConcurrentDictionary<int, RoundState> windowStates = new();

    /// <summary>The training run's state (not started: no rounds yet).</summary>
    public Task<TrainingRunState> RunAsync() => grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).GetAsync();

    /// <summary>A round's full state; null when the round does not exist.</summary>
    public async Task<RoundState?> RoundAsync(int number)
    {
        if (number < 1) return null;
        var round = await grains.GetGrain<IRoundGrain>(number).GetAsync();
        return round.Number == 0 ? null : round;
    }

    /// <summary>The summaries of rounds 1 to <paramref name="current"/>, in order.</summary>
    public async Task<IReadOnlyList<RoundSummary>> RoundSummariesAsync(int current)
    {
        var numbers = Enumerable.Range(1, Math.Max(0, current)).ToList();
        var summaries = await ReadAllAsync(numbers, async n =>
        {
            if (finished.TryGetValue(n, out var known)) return known;
            var summary = RoundSummary.From(await grains.GetGrain<IRoundGrain>(n).GetAsync());
            if (summary.Status == RoundStatus.Aggregated) finished[n] = summary;
            return summary;
        });
        return summaries;
    }

    /// <summary>Full states of the last <see cref="PeerWindowRounds"/> rounds up to <paramref name="current"/>.</summary>
    public async Task<IReadOnlyList<RoundState>> RecentRoundsAsync(int current)
    {
        var first = Math.Max(1, current - PeerWindowRounds + 1);
        // Aggregated rounds in the window are kept, like their summaries: a refresh re-reads only the
        // open ones. Rounds that left the window are dropped, so at most a window's worth is held.
        foreach (var old in windowStates.Keys.Where(n => n < first)) windowStates.TryRemove(old, out _);
        return await ReadAllAsync([.. Enumerable.Range(first, Math.Max(0, current - first + 1))], async n =>
        {
            if (windowStates.TryGetValue(n, out var known)) return known;
            var round = await grains.GetGrain<IRoundGrain>(n).GetAsync();
            if (round.Status == RoundStatus.Aggregated) windowStates[n] = round;
            return round;
        });
    }

    /// <summary>The submissions of a round as their grains hold them (deposit and reward status).</summary>
    public Task<IReadOnlyList<SubmissionState>> SubmissionsAsync(RoundState round) =>
        ReadAllAsync([.. round.Submissions.Select(s => s.Id)], id => grains.GetGrain<ISubmissionGrain>(id).GetAsync());

    /// <summary>Peers' lifetime records.</summary>
    public Task<IReadOnlyList<PeerState>> PeersAsync(IReadOnlyList<string> ids) =>
        ReadAllAsync(ids, id => grains.GetGrain<IPeerGrain>(id).GetAsync());

    /// <summary>The coordinator's ledger.</summary>
    public Task<LedgerState> LedgerAsync() => grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();

    /// <summary>Every posted bounty in posting order, with its state.</summary>
    public async Task<IReadOnlyList<(string Id, BountyState State)>> BountiesAsync()
    {
        var ids = await grains.GetGrain<IBountyIndexGrain>(BountyIndexGrain.AllKey).ListAsync();
        var states = await ReadAllAsync(ids, id => grains.GetGrain<IBountyGrain>(id).GetAsync());
        return [.. ids.Zip(states).Where(p => p.Second.Posted is not null)];
    }

    /// <summary>One bounty; null when none was posted under <paramref name="id"/>.</summary>
    public async Task<BountyState?> BountyAsync(string id)
    {
        var state = await grains.GetGrain<IBountyGrain>(id).GetAsync();
        return state.Posted is null ? null : state;
    }

    /// <summary>What this silo's worker role delivered.</summary>
    public Task<Grains.Workers.WorkerStats> WorkerStatsAsync() => grains.GetGrain<Grains.Workers.IWorkerStatsGrain>(Grains.Workers.IWorkerStatsGrain.Key).GetAsync();

    /// <summary>The agent index's entries refreshed at or after <paramref name="since"/>.</summary>
    public Task<IReadOnlyList<Grains.Workers.AgentEntry>> AgentsAsync(DateTimeOffset since) =>
        grains.GetGrain<Grains.Workers.IAgentIndexGrain>(Grains.Workers.IAgentIndexGrain.Key).ListAsync(since);

    private static async Task<IReadOnlyList<TResult>> ReadAllAsync<TKey, TResult>(IReadOnlyList<TKey> keys, Func<TKey, Task<TResult>> read)
    {
        var results = new TResult[keys.Count];
        for (var start = 0; start < keys.Count; start += Parallelism)
        {
            var batch = Enumerable.Range(start, Math.Min(Parallelism, keys.Count - start))
                .Select(async i => results[i] = await read(keys[i]));
            await Task.WhenAll(batch);
        }
        return results;
    }
}
