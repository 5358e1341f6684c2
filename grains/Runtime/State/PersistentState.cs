using System.Globalization;
using System.Text.Json;

namespace L402Train.Grains.Runtime;

/// <summary>The runtime's <see cref="IPersistentState{TState}"/>: JSON in the store, version as ETag.</summary>
internal sealed class PersistentState<TState>(GrainActivation activation, GrainStateId id) : IPersistentState<TState>, IStateSlot
{
    private long? version;

    public TState State { get; set; } = Empty(activation.Catalog.Json);

    public string? Etag => version?.ToString(CultureInfo.InvariantCulture);

    public bool RecordExists { get; private set; }

    // "{}" gives records their parameter defaults and classes their initializers.
    private static TState Empty(JsonSerializerOptions json) =>
        JsonSerializer.Deserialize<TState>("{}", json) ?? throw new InvalidOperationException($"{typeof(TState).Name} cannot be created from '{{}}'.");

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await activation.Catalog.Store.ReadStateAsync(id, cancellationToken);
        version = stored?.Version;
        RecordExists = stored?.Json is not null;
        State = stored?.Json is { } json ? Deserialize(json) : Empty(activation.Catalog.Json);
    }

    public async Task<bool> IsCurrentAsync(CancellationToken cancellationToken = default) =>
        (await activation.Catalog.Store.ReadStateAsync(id, cancellationToken))?.Version == version;

    private TState Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TState>(json, activation.Catalog.Json) ?? throw new CorruptedStateException(id, typeof(TState), null);
        }
        catch (JsonException ex)
        {
            throw new CorruptedStateException(id, typeof(TState), ex);
        }
    }

    public Task WriteStateAsync(CancellationToken cancellationToken = default) =>
        StoreAsync(JsonSerializer.Serialize(State, activation.Catalog.Json), cancellationToken);

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        await StoreAsync(null, cancellationToken);
        State = Empty(activation.Catalog.Json);
    }

    private async Task StoreAsync(string? json, CancellationToken cancellationToken)
    {
        var jobs = activation.PeekOutbox();
        version = await activation.Catalog.Store.WriteStateAsync(id, json, version, jobs, activation.Catalog.Time.GetUtcNow(), cancellationToken);
        RecordExists = json is not null;
        activation.Outbox.RemoveRange(0, jobs.Count);
    }
}
