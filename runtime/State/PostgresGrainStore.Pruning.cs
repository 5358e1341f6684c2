namespace L402Train.Runtime;

internal sealed partial class PostgresGrainStore
{
    /// <inheritdoc/>
    public async Task<bool> DeleteStateAsync(GrainStateId id, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("DELETE FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3;");
        AddId(cmd, id);
        return await cmd.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc/>
    public async Task<int> PruneCompletedJobsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var cmd = dataSource.CreateCommand("""
            DELETE FROM grain_jobs WHERE id IN (
                SELECT id FROM grain_jobs WHERE state = 'completed' AND finished_at < $1 ORDER BY id LIMIT $2);
            """);
        cmd.Parameters.AddWithValue(finishedBefore.ToUniversalTime());
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
