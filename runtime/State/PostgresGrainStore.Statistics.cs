namespace L402Train.Runtime;

internal sealed partial class PostgresGrainStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<JobTypeStatistics>> GetJobStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Completed rows are left out: they are most of the table and say nothing about the queue.
        await using var cmd = dataSource.CreateCommand("""
            SELECT type, state, count(*), min(run_at) FILTER (WHERE state = 'available' AND run_at <= $1)
            FROM grain_jobs WHERE state IN ('available', 'running', 'dead') GROUP BY type, state;
            """);
        cmd.Parameters.AddWithValue(now.ToUniversalTime());
        var rows = new List<(string, JobState, long, DateTimeOffset?)>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
            rows.Add((r.GetString(0), JobStates.Parse(r.GetString(1)), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3)));
        return JobTypeStatistics.Combine(rows);
    }
}
