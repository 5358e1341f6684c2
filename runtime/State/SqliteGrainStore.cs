using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace L402Train.Runtime;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, the same schema and semantics as PostgreSQL.
/// SQLite serializes writers, so claims need no SKIP LOCKED; wake-ups are in-process only
/// (other processes sharing the file find jobs by polling).
/// </summary>
internal sealed partial class SqliteGrainStore : IGrainStore
{
    private readonly string connectionString;
    private readonly JobWakeups wakeups = new();

    /// <summary>Opens (creating if needed) the database file at <paramref name="path"/>; call <see cref="MigrateAsync"/> before use.</summary>
    public SqliteGrainStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public string Kind => "sqlite";

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(ct);
        // WAL durability at NORMAL: a commit survives a crash of the process (not of the OS before checkpoint).
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";
        await cmd.ExecuteNonQueryAsync(ct);
        return conn;
    }

    private static SqliteCommand Command(SqliteConnection conn, string sql, SqliteTransaction? tx = null)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using (var wal = Command(conn, "PRAGMA journal_mode = WAL;")) await wal.ExecuteNonQueryAsync(cancellationToken);
        // BEGIN IMMEDIATE: racing migrators queue on the write lock, the loser sees the versions applied.
        await using var tx = conn.BeginTransaction(deferred: false);
        await using (var create = Command(conn, $"CREATE TABLE IF NOT EXISTS {RuntimeSchema.MigrationsTable} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);", tx))
            await create.ExecuteNonQueryAsync(cancellationToken);
        long current;
        await using (var max = Command(conn, $"SELECT coalesce(max(version), 0) FROM {RuntimeSchema.MigrationsTable};", tx))
            current = (long)(await max.ExecuteScalarAsync(cancellationToken))!;
        foreach (var migration in RuntimeSchema.Sqlite.Where(m => m.Version > current))
        {
            await using (var step = Command(conn, migration.Sql, tx)) await step.ExecuteNonQueryAsync(cancellationToken);
            await using var record = Command(conn, $"INSERT INTO {RuntimeSchema.MigrationsTable} (version, name, applied_at) VALUES ($v, $n, $t);", tx);
            record.Parameters.AddWithValue("$v", migration.Version);
            record.Parameters.AddWithValue("$n", migration.Name);
            record.Parameters.AddWithValue("$t", Ms(DateTimeOffset.UnixEpoch));
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, $"SELECT coalesce(max(version), 0) FROM {RuntimeSchema.MigrationsTable};");
        var version = (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
        var latest = RuntimeSchema.Sqlite[^1].Version;
        if (version < latest) throw new InvalidOperationException($"SQLite schema is at version {version}, expected {latest}: run `silo migrate`.");
    }

    /// <inheritdoc/>
    public async Task<StoredGrainState?> ReadStateAsync(GrainStateId id, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, "SELECT state, version FROM grain_state WHERE grain_type = $t AND grain_key = $k AND state_name = $n;");
        AddId(cmd, id);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new StoredGrainState(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1));
    }

    /// <summary>Overwrites a row's JSON without any check (tests use it to simulate corruption).</summary>
    public async Task WriteRawStateAsync(GrainStateId id, string json)
    {
        await using var conn = await OpenAsync(default);
        await using var cmd = Command(conn, "UPDATE grain_state SET state = $s, version = version + 1 WHERE grain_type = $t AND grain_key = $k AND state_name = $n;");
        AddId(cmd, id);
        cmd.Parameters.AddWithValue("$s", json);
        await cmd.ExecuteNonQueryAsync();
    }

    private static void AddId(SqliteCommand cmd, GrainStateId id)
    {
        cmd.Parameters.AddWithValue("$t", id.GrainType);
        cmd.Parameters.AddWithValue("$k", id.Key);
        cmd.Parameters.AddWithValue("$n", id.StateName);
    }

    /// <inheritdoc/>
    public async Task<long> WriteStateAsync(GrainStateId id, string? json, long? expectedVersion, IReadOnlyList<JobRequest> jobs, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var tx = conn.BeginTransaction(deferred: false);
        var sql = expectedVersion is null
            ? "INSERT INTO grain_state (grain_type, grain_key, state_name, state, version, updated_at) VALUES ($t, $k, $n, $s, 1, $now) ON CONFLICT DO NOTHING;"
            : "UPDATE grain_state SET state = $s, version = version + 1, updated_at = $now WHERE grain_type = $t AND grain_key = $k AND state_name = $n AND version = $v;";
        await using (var cmd = Command(conn, sql, tx))
        {
            AddId(cmd, id);
            cmd.Parameters.AddWithValue("$s", (object?)json ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$now", Ms(now));
            cmd.Parameters.AddWithValue("$v", (object?)expectedVersion ?? DBNull.Value);
            if (await cmd.ExecuteNonQueryAsync(cancellationToken) != 1)
                throw new InconsistentStateException(id, expectedVersion?.ToString());
        }
        var inserted = 0;
        foreach (var job in jobs) inserted += await InsertJobAsync(conn, tx, job, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        if (inserted > 0) wakeups.Wake();
        return (expectedVersion ?? 0) + 1;
    }

    /// <inheritdoc/>
    public IDisposable SubscribeToJobWakeups(Action wake) => wakeups.Subscribe(wake);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        // Pooled connections would keep the file (and its WAL) open after the store is gone.
        using var conn = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(conn);
        return ValueTask.CompletedTask;
    }

    internal static string TypesJson(IReadOnlyCollection<string> types) => JsonSerializer.Serialize(types);
}
