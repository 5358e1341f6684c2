namespace L402Train.Grains.Runtime;

public sealed partial class PostgresGrainStore
{
    /// <inheritdoc/>
    public async Task<int> PruneCompletedJobsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var cmd = dataSource.CreateCommand("""
            DELETE FROM grain_jobs WHERE id IN (
                SELECT id FROM grain_jobs WHERE state = 'completed' AND finished_at < $1 ORDER BY id LIMIT $2);
            """);
        cmd.Parameters.AddWithValue(finishedBefore);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
