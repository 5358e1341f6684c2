using IGrainStore = L402Train.Runtime.IGrainStore;
using OutboxGrain = L402Train.Runtime.OutboxGrain;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>A counter on Orleans with the outbox: every write stages a "counted" job keyed by the new count.</summary>
public interface IOutboxCounterGrain : IGrainWithStringKey
{
    Task<int> Add(int n);

    Task<int> Get();

    /// <summary>Changes the state in memory and stages a job, then throws.</summary>
    Task<int> AddThenFail(int n);

    /// <summary>Stages a "noted" job without writing state.</summary>
    Task Note(string note);

    /// <summary>Adds, then looks for the staged job in the store before the turn ends.</summary>
    Task<bool> AddAndFindJobInTheSameTurn(int n);
}

/// <summary>Stored as the pre-Orleans test counter was (same grain type, state name and JSON).</summary>
public sealed record OutboxCounterState
{
    public int Count { get; init; }
}

[GrainType("counter")]
public sealed class OutboxCounterGrain([PersistentState("counter")] IPersistentState<OutboxCounterState> counter, IGrainStore store)
    : OutboxGrain, IOutboxCounterGrain
{
    private string Key => this.GetPrimaryKeyString();

    public async Task<int> Add(int n)
    {
        var count = counter.State.Count + n;
        EnqueueJob("counted", $"{Key}@{count}", new { count });
        counter.State = counter.State with { Count = count };
        await counter.WriteStateAsync();
        return count;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);

    public Task<int> AddThenFail(int n)
    {
        counter.State = counter.State with { Count = counter.State.Count + n };
        EnqueueJob("counted", $"{Key}@{counter.State.Count}", new { counter.State.Count });
        throw new InvalidOperationException("refused after changing the state in memory");
    }

    public Task Note(string note)
    {
        EnqueueJob("noted", $"{Key}:{note}", new { note });
        return Task.CompletedTask;
    }

    public async Task<bool> AddAndFindJobInTheSameTurn(int n)
    {
        var count = await Add(n);
        return await store.FindJobAsync("counted", $"{Key}@{count}") is not null;
    }
}
