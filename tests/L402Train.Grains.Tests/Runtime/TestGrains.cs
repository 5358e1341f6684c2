using L402Train.Grains.Runtime;

namespace L402Train.Grains.Tests.Runtime;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Add(int n);

    Task<int> Get();

    Task<int> AddThenFail(int n);
}

public sealed record CounterState
{
    public int Count { get; init; }
}

[GrainType("counter")]
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    public async Task<int> Add(int n)
    {
        counter.State = counter.State with { Count = counter.State.Count + n };
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);

    public Task<int> AddThenFail(int n)
    {
        counter.State = counter.State with { Count = counter.State.Count + n };
        throw new InvalidOperationException("refused after changing the state in memory");
    }
}

public interface ILedgerGrain : IGrainWithStringKey
{
    /// <summary>Counts one entry and enqueues a job keyed by the note and the new count.</summary>
    Task<int> Record(string note);
}

public sealed record LedgerState(int Entries = 0);

[GrainType("ledger")]
public sealed class LedgerGrain([PersistentState("ledger")] IPersistentState<LedgerState> ledger) : Grain, ILedgerGrain
{
    public async Task<int> Record(string note)
    {
        var entries = ledger.State.Entries + 1;
        EnqueueJob("noted", $"{note}@{entries}", new { note, entries });
        ledger.State = new LedgerState(entries);
        await ledger.WriteStateAsync();
        return entries;
    }
}

public interface IEffectGrain : IGrainWithStringKey
{
    /// <summary>Applies the effect named by <paramref name="effectKey"/> once; true if this call applied it.</summary>
    Task<bool> Apply(string effectKey);

    Task<int> Applied();
}

public sealed class EffectState
{
    public HashSet<string> Keys { get; init; } = [];
}

[GrainType("effect")]
public sealed class EffectGrain([PersistentState("effects")] IPersistentState<EffectState> effects) : Grain, IEffectGrain
{
    public async Task<bool> Apply(string effectKey)
    {
        if (!effects.State.Keys.Add(effectKey)) return false;
        await effects.WriteStateAsync();
        return true;
    }

    public Task<int> Applied() => Task.FromResult(effects.State.Keys.Count);
}

/// <summary>Counts how many calls are inside one activation at once, and deactivations.</summary>
public sealed class TurnProbe
{
    private int inside;

    public int MaxInside { get; private set; }

    public int Deactivations;

    public async Task Enter()
    {
        var now = Interlocked.Increment(ref inside);
        lock (this) { MaxInside = Math.Max(MaxInside, now); }
        await Task.Yield();
        Interlocked.Decrement(ref inside);
    }
}

public interface IProbeGrain : IGrainWithStringKey
{
    Task Touch();
}

public sealed class ProbeGrain(TurnProbe probe) : Grain, IProbeGrain
{
    public Task Touch() => probe.Enter();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref probe.Deactivations);
        return Task.CompletedTask;
    }
}

public sealed class SingleService(object service) : IServiceProvider
{
    public object? GetService(Type serviceType) => serviceType.IsInstanceOfType(service) ? service : null;
}

public interface ILoopGrain : IGrainWithStringKey
{
    /// <summary>Calls the grain named <paramref name="next"/>, which calls back into this one.</summary>
    Task<string> Ping(string next, int hops);
}

public sealed class LoopGrain : Grain, ILoopGrain
{
    public Task<string> Ping(string next, int hops) =>
        hops == 0 ? Task.FromResult(GetPrimaryKeyString()) : GrainFactory.GetGrain<ILoopGrain>(next).Ping(GetPrimaryKeyString(), hops - 1);
}
