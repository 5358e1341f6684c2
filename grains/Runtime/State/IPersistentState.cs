namespace L402Train.Grains.Runtime;

/// <summary>
/// Durable state of a grain (Orleans' <c>IPersistentState&lt;T&gt;</c>): read before
/// <see cref="Grain.OnActivateAsync"/>, written with compare-and-swap on <see cref="Etag"/>.
/// </summary>
/// <typeparam name="TState">A plain record or class serialized with System.Text.Json.</typeparam>
public interface IPersistentState<TState>
{
    /// <summary>The current value. Replace it (records: <c>State = State with { ... }</c>) or mutate it, then write.</summary>
    TState State { get; set; }

    /// <summary>The stored version this copy was read or written at; null if never stored.</summary>
    string? Etag { get; }

    /// <summary>True when a (non-cleared) record exists in the store.</summary>
    bool RecordExists { get; }

    /// <summary>Re-reads the stored value.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <see cref="State"/> if the store still holds <see cref="Etag"/>, together with the turn's outbox jobs.
    /// Throws <see cref="InconsistentStateException"/> when another writer won; the runtime then drops the activation and re-runs the turn.
    /// </summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Clears the record (a versioned tombstone, so stale writers still lose), with the turn's outbox jobs.</summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> and names its slot.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName) : Attribute
{
    /// <summary>The state slot name (a grain may have several).</summary>
    public string StateName { get; } = stateName;
}
