using Npgsql;

namespace L402Train.Runtime;

internal sealed partial class PostgresGrainStore
{
    private const string JobColumns = "id, type, unique_key, payload::text, state, attempt, max_attempts, run_at, locked_by, lease_until, last_error";

    private static async Task<int> InsertJobsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<JobRequest> jobs, DateTimeOffset now, CancellationToken ct)
    {
        var inserted = 0;
        foreach (var job in jobs)
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO grain_jobs (type, unique_key, payload, state, attempt, max_attempts, run_at, created_at)
                VALUES ($1, $2, $3::jsonb, 'available', 0, $4, $5, $6) ON CONFLICT (type, unique_key) DO NOTHING;
                """, conn, tx);
            cmd.Parameters.AddWithValue(job.Type);
            cmd.Parameters.AddWithValue(job.UniqueKey);
            cmd.Parameters.AddWithValue(job.PayloadJson);
            cmd.Parameters.AddWithValue(job.MaxAttempts ?? JobWorkerOptions.DefaultMaxAttempts);
            cmd.Parameters.AddWithValue((job.RunAt ?? now).ToUniversalTime());
            cmd.Parameters.AddWithValue(now.ToUniversalTime());
            inserted += await cmd.ExecuteNonQueryAsync(ct);
        }
        // Delivered to listeners only if the transaction commits.
        if (inserted > 0) await Exec(conn, tx, $"SELECT pg_notify('{NotifyChannel}', '');", ct);
        return inserted;
    }

    /// <inheritdoc/>
    public async Task<bool> EnqueueAsync(JobRequest job, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var inserted = await InsertJobsAsync(conn, tx, [job], now, cancellationToken) == 1;
        await tx.CommitAsync(cancellationToken);
        if (inserted) wakeups.Wake();
        return inserted;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ClaimedJob>> ClaimJobsAsync(JobClaim claim, CancellationToken cancellationToken = default)
    {
        // MATERIALIZED fences the LIMIT so the UPDATE touches exactly the rows locked (Oban's note).
        await using var cmd = dataSource.CreateCommand("""
            WITH due AS MATERIALIZED (
                SELECT id FROM grain_jobs
                WHERE state = 'available' AND run_at <= $1 AND type = ANY($2)
                ORDER BY run_at, id LIMIT $3
                FOR UPDATE SKIP LOCKED)
            UPDATE grain_jobs j SET state = 'running', attempt = j.attempt + 1, locked_by = $4, lease_until = $5
            FROM due WHERE j.id = due.id
            RETURNING j.id, j.type, j.unique_key, j.payload::text, j.attempt, j.max_attempts, j.run_at;
            """);
        cmd.Parameters.AddWithValue(claim.Now.ToUniversalTime());
        cmd.Parameters.AddWithValue(claim.Types.ToArray());
        cmd.Parameters.AddWithValue(claim.Max);
        cmd.Parameters.AddWithValue(claim.WorkerId);
        cmd.Parameters.AddWithValue(claim.LeaseUntil.ToUniversalTime());
        var claimed = new List<ClaimedJob>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedJob(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5),
                r.GetFieldValue<DateTimeOffset>(6)));
        }
        return claimed;
    }

    /// <inheritdoc/>
    public async Task<int> ExtendLeasesAsync(string workerId, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("UPDATE grain_jobs SET lease_until = $1 WHERE state = 'running' AND locked_by = $2;");
        cmd.Parameters.AddWithValue(leaseUntil.ToUniversalTime());
        cmd.Parameters.AddWithValue(workerId);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<long>> CompleteJobsAsync(IReadOnlyList<long> jobIds, string workerId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE grain_jobs SET state = 'completed', locked_by = NULL, lease_until = NULL, finished_at = $1
            WHERE id = ANY($2) AND state = 'running' AND locked_by = $3
            RETURNING id;
            """);
        cmd.Parameters.AddWithValue(now.ToUniversalTime());
        cmd.Parameters.AddWithValue(jobIds.ToArray());
        cmd.Parameters.AddWithValue(workerId);
        var completed = new List<long>(jobIds.Count);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) completed.Add(reader.GetInt64(0));
        return completed;
    }

    /// <inheritdoc/>
    public async Task<bool> FailJobAsync(long jobId, string workerId, string error, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(retryAt is null
            ? "UPDATE grain_jobs SET state = 'dead', locked_by = NULL, lease_until = NULL, last_error = $1, finished_at = $2 WHERE id = $3 AND state = 'running' AND locked_by = $4;"
            : "UPDATE grain_jobs SET state = 'available', locked_by = NULL, lease_until = NULL, last_error = $1, run_at = $2 WHERE id = $3 AND state = 'running' AND locked_by = $4;");
        cmd.Parameters.AddWithValue(error);
        cmd.Parameters.AddWithValue((retryAt ?? now).ToUniversalTime());
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(workerId);
        var changed = await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (changed && retryAt is not null) wakeups.Wake();
        return changed;
    }

    /// <inheritdoc/>
    public async Task<int> RescueExpiredJobsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE grain_jobs SET
                state = CASE WHEN attempt >= max_attempts THEN 'dead' ELSE 'available' END,
                last_error = 'lease of worker ' || locked_by || ' expired',
                finished_at = CASE WHEN attempt >= max_attempts THEN $1 END,
                run_at = $1, locked_by = NULL, lease_until = NULL
            WHERE state = 'running' AND lease_until < $1;
            """);
        cmd.Parameters.AddWithValue(now.ToUniversalTime());
        var count = await cmd.ExecuteNonQueryAsync(cancellationToken);
        if (count > 0) wakeups.Wake();
        return count;
    }

    /// <inheritdoc/>
    public async Task<JobRecord?> FindJobAsync(string type, string uniqueKey, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {JobColumns} FROM grain_jobs WHERE type = $1 AND unique_key = $2;");
        cmd.Parameters.AddWithValue(type);
        cmd.Parameters.AddWithValue(uniqueKey);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ReadJob(r) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JobRecord>> ListJobsAsync(string type, JobState state, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        JobListing.Validate(type, limit);
        await using var cmd = dataSource.CreateCommand($"SELECT {JobColumns} FROM grain_jobs WHERE type = $1 AND state = $2 AND id > $3 ORDER BY id LIMIT $4;");
        cmd.Parameters.AddWithValue(type);
        cmd.Parameters.AddWithValue(JobStates.ToText(state));
        cmd.Parameters.AddWithValue(afterId);
        cmd.Parameters.AddWithValue(limit);
        var listed = new List<JobRecord>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) listed.Add(ReadJob(r));
        return listed;
    }

    // Columns in the order of JobColumns.
    private static JobRecord ReadJob(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), JobStates.Parse(r.GetString(4)),
            r.GetInt32(5), r.GetInt32(6), r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetString(10));
}
