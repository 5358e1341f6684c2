using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace L402Train.Grains.Runtime;

/// <summary>
/// The activations of one silo. Routes each call to its activation's mailbox, re-runs a turn
/// that lost a version race (bounded, jittered backoff) and collects idle activations.
/// </summary>
internal sealed class GrainCatalog(
    IGrainStore store,
    TimeProvider time,
    SiloOptions options,
    IReadOnlyDictionary<Type, GrainRegistration> registrations,
    IReadOnlyList<IIncomingGrainCallFilter> filters,
    IServiceProvider services,
    ILogger logger)
{
    // The activations whose turns the current async flow is inside: a call back into one of them would wait forever.
    private static readonly AsyncLocal<CallChain?> Chain = new();
    private readonly ConcurrentDictionary<(string GrainType, string Key), GrainActivation> activations = new();
    private volatile bool stopped;

    public IGrainStore Store { get; } = store;

    public TimeProvider Time { get; } = time;

    public JsonSerializerOptions Json => options.Json;

    public SiloOptions Options => options;

    public IReadOnlyList<IIncomingGrainCallFilter> Filters { get; } = filters;

    public IServiceProvider Services { get; } = services;

    public IGrainFactory Factory => field ??= new Factory(this, registrations);

    public int Count => activations.Count;

    public async Task<object?> InvokeAsync(GrainRegistration registration, string key, GrainMethod method, object?[] arguments)
    {
        var conflicts = 0;
        while (true)
        {
            ObjectDisposedException.ThrowIf(stopped, this);
            if (Chain.Value is { } chain && chain.Contains(this, registration.GrainType, key))
                throw new InvalidOperationException($"Grain calls are non-reentrant: {chain.Describe()} -> {registration.GrainType}/{key} would deadlock.");
            var activation = activations.GetOrAdd((registration.GrainType, key), k => new GrainActivation(this, registration, k.Key));
            await activation.TurnLock.WaitAsync();
            var outer = Chain.Value;
            Chain.Value = new CallChain(this, registration.GrainType, key, outer);
            try
            {
                if (!activation.IsLive) continue;
                try
                {
                    var result = await activation.RunTurnAsync(method, arguments);
                    if (activation.DeactivateAfterTurn) await DeactivateAsync(activation, DeactivationReason.Requested);
                    return result;
                }
                catch (InconsistentStateException) when (++conflicts < options.MaxTurnAttempts)
                {
                    Drop(activation);
                }
                catch
                {
                    Drop(activation);
                    throw;
                }
            }
            finally
            {
                Chain.Value = outer;
                activation.TurnLock.Release();
            }
            await Task.Delay(ConflictBackoff(conflicts), Time);
        }
    }

    private TimeSpan ConflictBackoff(int conflicts)
    {
        var ceiling = Math.Min(options.ConflictBackoffMax.Ticks, options.ConflictBackoffBase.Ticks << Math.Min(conflicts, 20));
        return TimeSpan.FromTicks(Random.Shared.NextInt64(ceiling / 2, ceiling + 1));
    }

    private void Drop(GrainActivation activation)
    {
        activation.IsLive = false;
        activations.TryRemove(new KeyValuePair<(string, string), GrainActivation>((activation.Registration.GrainType, activation.Key), activation));
    }

    private async Task DeactivateAsync(GrainActivation activation, DeactivationReason reason)
    {
        Drop(activation);
        if (activation.Instance is { } grain) await grain.OnDeactivateAsync(reason, CancellationToken.None);
    }

    /// <summary>Deactivates every activation idle since <paramref name="idleSince"/> whose mailbox is free.</summary>
    public async Task<int> CollectIdleAsync(DateTimeOffset idleSince)
    {
        var collected = 0;
        foreach (var activation in activations.Values)
        {
            if (activation.LastUsed > idleSince || !activation.TurnLock.Wait(0)) continue;
            try
            {
                if (!activation.IsLive || activation.LastUsed > idleSince) continue;
                collected++;
                await DeactivateAsync(activation, DeactivationReason.Idle);
            }
            finally
            {
                activation.TurnLock.Release();
            }
        }
        return collected;
    }

    /// <summary>Graceful stop: deactivates everything, then refuses calls.</summary>
    public async Task StopAsync()
    {
        foreach (var activation in activations.Values)
        {
            await activation.TurnLock.WaitAsync();
            try
            {
                if (activation.IsLive) await DeactivateAsync(activation, DeactivationReason.ShuttingDown);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "OnDeactivateAsync of {Grain}/{Key} failed during shutdown.", activation.Registration.GrainType, activation.Key);
            }
            finally
            {
                activation.TurnLock.Release();
            }
        }
        stopped = true;
    }

    /// <summary>Abrupt stop (a killed silo): memory is simply gone, no callbacks run.</summary>
    public void Kill()
    {
        stopped = true;
        foreach (var activation in activations.Values) activation.IsLive = false;
        activations.Clear();
    }
}

internal sealed record CallChain(GrainCatalog Catalog, string GrainType, string Key, CallChain? Outer)
{
    public bool Contains(GrainCatalog catalog, string grainType, string key) =>
        (Catalog == catalog && GrainType == grainType && Key == key) || (Outer?.Contains(catalog, grainType, key) ?? false);

    public string Describe() => Outer is null ? $"{GrainType}/{Key}" : $"{Outer.Describe()} -> {GrainType}/{Key}";
}

internal sealed class Factory(GrainCatalog catalog, IReadOnlyDictionary<Type, GrainRegistration> registrations) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(primaryKey);
        if (!registrations.TryGetValue(typeof(TGrainInterface), out var registration))
            throw new InvalidOperationException($"No grain implements {typeof(TGrainInterface).Name}: register it with SiloBuilder.AddGrain<{typeof(TGrainInterface).Name}, ...>().");
        var proxy = DispatchProxy.Create(typeof(TGrainInterface), typeof(GrainProxy));
        ((GrainProxy)proxy).Bind(catalog, registration, primaryKey);
        return (TGrainInterface)proxy;
    }
}
