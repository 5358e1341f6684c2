namespace L402Train.Runtime;

/// <summary>Where one job type's rows stand, for the job queue gauges (<see cref="IGrainStore.GetJobStatisticsAsync"/>).</summary>
/// <param name="Type">The job type.</param>
/// <param name="Queued">Available jobs, due or scheduled for later.</param>
/// <param name="Running">Jobs a worker holds under a lease.</param>
/// <param name="Dead">Jobs out of attempts, waiting for an operator or a sweep.</param>
/// <param name="OldestDue">The <c>run_at</c> of the oldest available job already due; null when none is due.</param>
public sealed record JobTypeStatistics(string Type, long Queued, long Running, long Dead, DateTimeOffset? OldestDue)
{
    /// <summary>How long the oldest due job has waited at <paramref name="now"/>: zero when none waits.</summary>
    public TimeSpan Lag(DateTimeOffset now) => OldestDue is { } due && due < now ? now - due : TimeSpan.Zero;

    internal static IReadOnlyList<JobTypeStatistics> Combine(IEnumerable<(string Type, JobState State, long Count, DateTimeOffset? OldestDue)> rows)
    {
        var byType = new SortedDictionary<string, JobTypeStatistics>(StringComparer.Ordinal);
        foreach (var (type, state, count, oldestDue) in rows)
        {
            var current = byType.GetValueOrDefault(type) ?? new JobTypeStatistics(type, 0, 0, 0, null);
            byType[type] = state switch
            {
                JobState.Available => current with { Queued = current.Queued + count, OldestDue = Earliest(current.OldestDue, oldestDue) },
                JobState.Running => current with { Running = current.Running + count },
                JobState.Dead => current with { Dead = current.Dead + count },
                _ => current,
            };
        }
        return [.. byType.Values];
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);
}
