namespace L402Train.Runtime;

internal sealed partial class SqliteGrainStore
{
    /// <inheritdoc/>
    public async Task<bool> DeleteStateAsync(GrainStateId id, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, "DELETE FROM grain_state WHERE grain_type = $t AND grain_key = $k AND state_name = $n;");
        AddId(cmd, id);
        return await cmd.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc/>
    public async Task<int> PruneCompletedJobsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, """
            DELETE FROM grain_jobs WHERE id IN (
                SELECT id FROM grain_jobs WHERE state = 'completed' AND finished_at < $before ORDER BY id LIMIT $limit);
            """);
        cmd.Parameters.AddWithValue("$before", Ms(finishedBefore));
        cmd.Parameters.AddWithValue("$limit", limit);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
