using System.Globalization;
using System.Text.Json;
using Orleans.Storage;
using OrleansInconsistentState = Orleans.Storage.InconsistentStateException;

namespace L402Train.Runtime;

/// <summary>
/// Orleans grain storage over our <see cref="IGrainStore"/> (memory, SQLite, PostgreSQL): the same
/// <c>grain_state</c> rows as before (key = grain type, grain key, state name; JSON; version as the
/// ETag), and each write inserts the calling turn's staged outbox jobs in the state's transaction.
/// A stale ETag raises Orleans' <see cref="OrleansInconsistentState"/> and inserts nothing.
/// </summary>
/// <remarks>
/// The staged jobs are found through <see cref="IGrainContextAccessor"/>: Orleans runs a storage call
/// on the calling activation's context (its state bridge continues on the captured context), which
/// <c>OutboxGrainStorageTests.A_write_commits_its_turns_jobs_before_the_turn_ends</c> guards. The
/// context is read before the first await and checked against the grain being written.
/// </remarks>
internal sealed class OutboxGrainStorage(IGrainStore store, IGrainContextAccessor contexts, TimeProvider time, GrainKeys keys) : IGrainStorage
{
    private static readonly JsonSerializerOptions Json = GrainJson.Options;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var id = keys.StateId(grainId, stateName);
        var stored = await store.ReadStateAsync(id);
        grainState.ETag = stored is null ? null : Etag(stored.Version);
        grainState.RecordExists = stored?.Json is not null;
        grainState.State = stored?.Json is { } json ? Deserialize<T>(id, json) : Empty<T>();
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await StoreAsync(stateName, grainId, grainState, JsonSerializer.Serialize(grainState.State, Json));
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // A versioned tombstone, so a stale writer still loses after the clear.
        await StoreAsync(stateName, grainId, grainState, null);
        grainState.RecordExists = false;
        grainState.State = Empty<T>();
    }

    private async Task StoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, string? json)
    {
        var id = keys.StateId(grainId, stateName);
        // Before any await: the ambient context is the activation whose turn is writing.
        var outbox = contexts.GrainContext is { } activation && activation.GrainId == grainId ? TurnOutbox.Find(activation) : null;
        var jobs = outbox?.Peek() ?? [];
        var expected = grainState.ETag is null ? (long?)null : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        long version;
        try
        {
            version = await store.WriteStateAsync(id, json, expected, jobs, time.GetUtcNow());
        }
        catch (InconsistentStateException conflict)
        {
            throw new OrleansInconsistentState(conflict.Message, storedEtag: "unknown", currentEtag: grainState.ETag ?? "none", conflict);
        }
        grainState.ETag = Etag(version);
        outbox?.Forget(jobs.Count);
    }

    private static string Etag(long version) => version.ToString(CultureInfo.InvariantCulture);

    // "{}" gives records their parameter defaults and classes their initializers (as before Orleans).
    private static T Empty<T>() =>
        JsonSerializer.Deserialize<T>("{}", Json) ?? throw new InvalidOperationException($"{typeof(T).Name} cannot be created from '{{}}'.");

    private static T Deserialize<T>(GrainStateId id, string json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new CorruptedStateException(id, typeof(T), null);
        }
        catch (JsonException ex)
        {
            throw new CorruptedStateException(id, typeof(T), ex);
        }
    }
}
