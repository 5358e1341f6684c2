using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace L402Train.Runtime;

/// <summary>
/// The cluster store: PostgreSQL with a real primary key per state row, <c>jsonb</c> state,
/// CAS on <c>version</c>, jobs claimed with <c>FOR UPDATE SKIP LOCKED</c> and woken by <c>pg_notify</c>.
/// </summary>
internal sealed partial class PostgresGrainStore : IGrainStore
{
    internal const string NotifyChannel = "l402train_jobs";
    private readonly NpgsqlDataSource dataSource;
    private readonly JobWakeups wakeups = new();
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly CancellationTokenSource disposing = new();
    private readonly Lock listenerGate = new();
    private Task? listener;
    private int disposed;

    /// <summary>Uses the database (and search path) named by <paramref name="connectionString"/>.</summary>
    public PostgresGrainStore(string connectionString, ILogger? logger = null, TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
        ConnectionString = connectionString;
        // The store issues a handful of statements millions of times: let Npgsql prepare them.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 32;
        dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The connection string in use.</summary>
    public string ConnectionString { get; }

    /// <inheritdoc/>
    public string Kind => "postgres";

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        // One migrator at a time across silos; the lock ends with the transaction.
        await Exec(conn, tx, "SELECT pg_advisory_xact_lock(hashtext('l402train-migrations'));", cancellationToken);
        await Exec(conn, tx, $"CREATE TABLE IF NOT EXISTS {RuntimeSchema.MigrationsTable} (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());", cancellationToken);
        int current;
        await using (var max = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {RuntimeSchema.MigrationsTable};", conn, tx))
            current = (int)(await max.ExecuteScalarAsync(cancellationToken))!;
        foreach (var migration in RuntimeSchema.Postgres.Where(m => m.Version > current))
        {
            await Exec(conn, tx, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand($"INSERT INTO {RuntimeSchema.MigrationsTable} (version, name) VALUES ($1, $2);", conn, tx);
            record.Parameters.AddWithValue(migration.Version);
            record.Parameters.AddWithValue(migration.Name);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <inheritdoc/>
    public async Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT coalesce(max(version), 0) FROM {RuntimeSchema.MigrationsTable};");
        var version = (int)(await cmd.ExecuteScalarAsync(cancellationToken))!;
        var latest = RuntimeSchema.Postgres[^1].Version;
        if (version < latest) throw new InvalidOperationException($"PostgreSQL schema is at version {version}, expected {latest}: run `silo migrate`.");
    }

    /// <inheritdoc/>
    public async Task<StoredGrainState?> ReadStateAsync(GrainStateId id, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT state::text, version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3;");
        AddId(cmd, id);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new StoredGrainState(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1));
    }

    /// <summary>Overwrites a row's JSON without any check (tests use it to simulate corruption).</summary>
    public async Task WriteRawStateAsync(GrainStateId id, string json)
    {
        await using var cmd = dataSource.CreateCommand("UPDATE grain_state SET state = $4::jsonb, version = version + 1 WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3;");
        AddId(cmd, id);
        cmd.Parameters.AddWithValue(json);
        await cmd.ExecuteNonQueryAsync();
    }

    private static void AddId(NpgsqlCommand cmd, GrainStateId id)
    {
        cmd.Parameters.AddWithValue(id.GrainType);
        cmd.Parameters.AddWithValue(id.Key);
        cmd.Parameters.AddWithValue(id.StateName);
    }

    /// <inheritdoc/>
    public async Task<long> WriteStateAsync(GrainStateId id, string? json, long? expectedVersion, IReadOnlyList<JobRequest> jobs, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var sql = expectedVersion is null
            ? "INSERT INTO grain_state (grain_type, grain_key, state_name, state, version, updated_at) VALUES ($1, $2, $3, $4::jsonb, 1, $5) ON CONFLICT DO NOTHING;"
            : "UPDATE grain_state SET state = $4::jsonb, version = version + 1, updated_at = $5 WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $6;";
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        // A lone write needs no explicit transaction; with outbox jobs, state and jobs commit together.
        await using var tx = jobs.Count > 0 ? await conn.BeginTransactionAsync(cancellationToken) : null;
        await using (var cmd = new NpgsqlCommand(sql, conn, tx))
        {
            AddId(cmd, id);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)json ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.AddWithValue(now.ToUniversalTime());
            if (expectedVersion is { } v) cmd.Parameters.AddWithValue(v);
            if (await cmd.ExecuteNonQueryAsync(cancellationToken) != 1)
                throw new InconsistentStateException(id, expectedVersion?.ToString());
        }
        if (tx is not null)
        {
            var inserted = await InsertJobsAsync(conn, tx, jobs, now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            if (inserted > 0) wakeups.Wake();
        }
        return (expectedVersion ?? 0) + 1;
    }

    /// <inheritdoc/>
    public IDisposable SubscribeToJobWakeups(Action wake)
    {
        var subscription = wakeups.Subscribe(wake);
        lock (listenerGate) { listener ??= Task.Run(() => ListenAsync(disposing.Token)); }
        return subscription;
    }

    // Other processes' inserts arrive as notifications on a dedicated connection; polling covers any gap.
    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                conn.Notification += (_, _) => wakeups.Wake();
                await Exec(conn, null, $"LISTEN {NotifyChannel};", ct);
                wakeups.Wake();
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException ex)
            {
                logger.LogWarning(ex, "Job notification listener lost its connection; workers poll until it is back.");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await disposing.CancelAsync();
        Task? running;
        lock (listenerGate) { running = listener; }
        if (running is not null) await running;
        await dataSource.DisposeAsync();
        disposing.Dispose();
    }
}
