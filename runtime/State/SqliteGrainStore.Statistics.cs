namespace L402Train.Runtime;

internal sealed partial class SqliteGrainStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<JobTypeStatistics>> GetJobStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, """
            SELECT type, state, count(*), min(CASE WHEN state = 'available' AND run_at <= $now THEN run_at END)
            FROM grain_jobs WHERE state IN ('available', 'running', 'dead') GROUP BY type, state;
            """);
        cmd.Parameters.AddWithValue("$now", Ms(now));
        var rows = new List<(string, JobState, long, DateTimeOffset?)>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
            rows.Add((r.GetString(0), JobStates.Parse(r.GetString(1)), r.GetInt64(2), r.IsDBNull(3) ? null : At(r.GetInt64(3))));
        return JobTypeStatistics.Combine(rows);
    }
}
