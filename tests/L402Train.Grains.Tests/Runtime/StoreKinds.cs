using L402Train.Runtime;
using L402Train.Testing;
using Npgsql;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>The three stores every semantics test runs on.</summary>
public static class StoreKinds
{
    public static TheoryData<string> All => new("memory", "sqlite", "postgres");

    /// <summary>A fresh, migrated store of <paramref name="kind"/> (its own file or schema), removed on dispose.</summary>
    public static async Task<ScratchStore> CreateAsync(string kind)
    {
        switch (kind)
        {
            case "memory":
                return new ScratchStore(new MemoryGrainStore(), () => ValueTask.CompletedTask);
            case "sqlite":
                var dir = Directory.CreateTempSubdirectory("l402-grains-");
                var sqlite = new SqliteGrainStore(Path.Combine(dir.FullName, "grains.db"));
                await sqlite.MigrateAsync();
                return new ScratchStore(sqlite, () =>
                {
                    dir.Delete(recursive: true);
                    return ValueTask.CompletedTask;
                });
            default:
                var schema = await PostgresDatabase.CreateSchemaAsync("grains");
                // The database serves every test project at once: keep each store's share of max_connections small.
                var postgres = new PostgresGrainStore(new NpgsqlConnectionStringBuilder(schema.ConnectionString) { MaxPoolSize = 6 }.ConnectionString);
                await postgres.MigrateAsync();
                return new ScratchStore(postgres, schema.DisposeAsync);
        }
    }

    /// <summary>Overwrites a state row with raw JSON, bypassing the runtime (to simulate corruption).</summary>
    public static Task CorruptAsync(IGrainStore store, GrainStateId id, string json) => store switch
    {
        MemoryGrainStore memory => Task.Run(() => memory.WriteRawState(id, json)),
        SqliteGrainStore sqlite => sqlite.WriteRawStateAsync(id, json),
        PostgresGrainStore postgres => postgres.WriteRawStateAsync(id, json),
        _ => throw new NotSupportedException(store.Kind),
    };
}

/// <summary>A store plus the clean-up of what backs it. Stores dispose idempotently, so a TestCluster may dispose it too.</summary>
public sealed class ScratchStore(IGrainStore store, Func<ValueTask> cleanup) : IAsyncDisposable
{
    private int disposed;

    public IGrainStore Store { get; } = store;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await Store.DisposeAsync();
        await cleanup();
    }
}
