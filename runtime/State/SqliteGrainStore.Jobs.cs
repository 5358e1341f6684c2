using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace L402Train.Runtime;

internal sealed partial class SqliteGrainStore
{
    private const string JobColumns = "id, type, unique_key, payload, state, attempt, max_attempts, run_at, locked_by, lease_until, last_error";

    private static async Task<int> InsertJobAsync(SqliteConnection conn, SqliteTransaction? tx, JobRequest job, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = Command(conn, """
            INSERT INTO grain_jobs (type, unique_key, payload, state, attempt, max_attempts, run_at, created_at)
            VALUES ($type, $key, $payload, 'available', 0, $max, $runAt, $now) ON CONFLICT (type, unique_key) DO NOTHING;
            """, tx);
        cmd.Parameters.AddWithValue("$type", job.Type);
        cmd.Parameters.AddWithValue("$key", job.UniqueKey);
        cmd.Parameters.AddWithValue("$payload", job.PayloadJson);
        cmd.Parameters.AddWithValue("$max", job.MaxAttempts ?? JobWorkerOptions.DefaultMaxAttempts);
        cmd.Parameters.AddWithValue("$runAt", Ms(job.RunAt ?? now));
        cmd.Parameters.AddWithValue("$now", Ms(now));
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <inheritdoc/>
    public async Task<bool> EnqueueAsync(JobRequest job, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        var inserted = await InsertJobAsync(conn, null, job, now, cancellationToken) == 1;
        if (inserted) wakeups.Wake();
        return inserted;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ClaimedJob>> ClaimJobsAsync(JobClaim claim, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, """
            UPDATE grain_jobs SET state = 'running', attempt = attempt + 1, locked_by = $worker, lease_until = $lease
            WHERE id IN (SELECT id FROM grain_jobs
                         WHERE state = 'available' AND run_at <= $now AND type IN (SELECT value FROM json_each($types))
                         ORDER BY run_at, id LIMIT $max)
            RETURNING id, type, unique_key, payload, attempt, max_attempts, run_at;
            """);
        cmd.Parameters.AddWithValue("$worker", claim.WorkerId);
        cmd.Parameters.AddWithValue("$lease", Ms(claim.LeaseUntil));
        cmd.Parameters.AddWithValue("$now", Ms(claim.Now));
        cmd.Parameters.AddWithValue("$types", TypesJson(claim.Types));
        cmd.Parameters.AddWithValue("$max", claim.Max);
        var claimed = new List<ClaimedJob>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedJob(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetInt32(5), At(reader.GetInt64(6))));
        }
        return claimed;
    }

    /// <inheritdoc/>
    public async Task<int> ExtendLeasesAsync(string workerId, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, "UPDATE grain_jobs SET lease_until = $lease WHERE state = 'running' AND locked_by = $worker;");
        cmd.Parameters.AddWithValue("$lease", Ms(leaseUntil));
        cmd.Parameters.AddWithValue("$worker", workerId);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<long>> CompleteJobsAsync(IReadOnlyList<long> jobIds, string workerId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, """
            UPDATE grain_jobs SET state = 'completed', locked_by = NULL, lease_until = NULL, finished_at = $now
            WHERE id IN (SELECT value FROM json_each($ids)) AND state = 'running' AND locked_by = $worker
            RETURNING id;
            """);
        cmd.Parameters.AddWithValue("$now", Ms(now));
        cmd.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(jobIds));
        cmd.Parameters.AddWithValue("$worker", workerId);
        var completed = new List<long>(jobIds.Count);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) completed.Add(reader.GetInt64(0));
        return completed;
    }

    /// <inheritdoc/>
    public async Task<bool> FailJobAsync(long jobId, string workerId, string error, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, retryAt is null
            ? "UPDATE grain_jobs SET state = 'dead', locked_by = NULL, lease_until = NULL, last_error = $error, finished_at = $now WHERE id = $id AND state = 'running' AND locked_by = $worker;"
            : "UPDATE grain_jobs SET state = 'available', locked_by = NULL, lease_until = NULL, last_error = $error, run_at = $retry WHERE id = $id AND state = 'running' AND locked_by = $worker;");
        cmd.Parameters.AddWithValue("$error", error);
        cmd.Parameters.AddWithValue("$now", Ms(now));
        cmd.Parameters.AddWithValue("$retry", retryAt is { } at ? Ms(at) : DBNull.Value);
        cmd.Parameters.AddWithValue("$id", jobId);
        cmd.Parameters.AddWithValue("$worker", workerId);
        var changed = await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (changed && retryAt is not null) wakeups.Wake();
        return changed;
    }

    /// <inheritdoc/>
    public async Task<int> RescueExpiredJobsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, """
            UPDATE grain_jobs SET
                state = CASE WHEN attempt >= max_attempts THEN 'dead' ELSE 'available' END,
                last_error = 'lease of worker ' || locked_by || ' expired',
                finished_at = CASE WHEN attempt >= max_attempts THEN $now END,
                run_at = $now, locked_by = NULL, lease_until = NULL
            WHERE state = 'running' AND lease_until < $now;
            """);
        cmd.Parameters.AddWithValue("$now", Ms(now));
        var count = await cmd.ExecuteNonQueryAsync(cancellationToken);
        if (count > 0) wakeups.Wake();
        return count;
    }

    /// <inheritdoc/>
    public async Task<JobRecord?> FindJobAsync(string type, string uniqueKey, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, $"SELECT {JobColumns} FROM grain_jobs WHERE type = $type AND unique_key = $key;");
        cmd.Parameters.AddWithValue("$type", type);
        cmd.Parameters.AddWithValue("$key", uniqueKey);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ReadJob(r) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JobRecord>> ListJobsAsync(string type, JobState state, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        JobListing.Validate(type, limit);
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, $"SELECT {JobColumns} FROM grain_jobs WHERE type = $type AND state = $state AND id > $after ORDER BY id LIMIT $limit;");
        cmd.Parameters.AddWithValue("$type", type);
        cmd.Parameters.AddWithValue("$state", JobStates.ToText(state));
        cmd.Parameters.AddWithValue("$after", afterId);
        cmd.Parameters.AddWithValue("$limit", limit);
        var listed = new List<JobRecord>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) listed.Add(ReadJob(r));
        return listed;
    }

    // Columns in the order of JobColumns.
    private static JobRecord ReadJob(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), JobStates.Parse(r.GetString(4)),
            r.GetInt32(5), r.GetInt32(6), At(r.GetInt64(7)), r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : At(r.GetInt64(9)), r.IsDBNull(10) ? null : r.GetString(10));
}
