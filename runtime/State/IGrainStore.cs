namespace L402Train.Runtime;

/// <summary>Identity of one persisted state slot: grain type, key and state name (the primary key).</summary>
public readonly record struct GrainStateId(string GrainType, string Key, string StateName)
{
    /// <inheritdoc/>
    public override string ToString() => $"{GrainType}/{Key}/{StateName}";
}

/// <summary>A stored row: the JSON (null for a cleared tombstone) and its version.</summary>
public sealed record StoredGrainState(string? Json, long Version);

/// <summary>
/// The durable store behind grains and jobs. Every implementation has identical semantics
/// (the same tests run on each): CAS on version, first write wins by primary key, jobs unique
/// by (type, unique key), times are passed in from the silo's <see cref="TimeProvider"/>.
/// </summary>
public interface IGrainStore : IAsyncDisposable
{
    /// <summary><c>memory</c>, <c>sqlite</c> or <c>postgres</c>.</summary>
    string Kind { get; }

    /// <summary>Applies pending schema migrations (idempotent, safe to race).</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Throws unless the store is reachable and migrated to the latest version.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads a state row; null when none was ever written.</summary>
    Task<StoredGrainState?> ReadStateAsync(GrainStateId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="json"/> (null clears) if the stored version equals <paramref name="expectedVersion"/>
    /// (null: no row may exist) and inserts <paramref name="jobs"/> in the same transaction.
    /// Returns the new version; throws <see cref="InconsistentStateException"/> (nothing written) on a lost race.
    /// </summary>
    Task<long> WriteStateAsync(GrainStateId id, string? json, long? expectedVersion, IReadOnlyList<JobRequest> jobs, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Inserts a job unless one with the same type and unique key exists; true when inserted.</summary>
    Task<bool> EnqueueAsync(JobRequest job, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <c>claim.Max</c> due jobs of the given types for one worker (skipping jobs others hold).</summary>
    Task<IReadOnlyList<ClaimedJob>> ClaimJobsAsync(JobClaim claim, CancellationToken cancellationToken = default);

    /// <summary>Extends the leases of every job this worker still runs; returns how many.</summary>
    Task<int> ExtendLeasesAsync(string workerId, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Marks jobs completed where this worker still holds them; returns the ids it completed.</summary>
    Task<IReadOnlyList<long>> CompleteJobsAsync(IReadOnlyList<long> jobIds, string workerId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records a failure if this worker still holds the job: available again at <paramref name="retryAt"/>, or dead when null.</summary>
    Task<bool> FailJobAsync(long jobId, string workerId, string error, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Returns running jobs whose lease expired to the queue (or to dead when out of attempts); returns how many.</summary>
    Task<int> RescueExpiredJobsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Looks a job up by type and unique key.</summary>
    Task<JobRecord?> FindJobAsync(string type, string uniqueKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Jobs of one type in one state whose id is above <paramref name="afterId"/>, in id order, at most
    /// <paramref name="limit"/> (1 to <see cref="JobListing.MaxLimit"/>). Read-only: it claims nothing.
    /// Page on by passing the last id returned; an empty list means no more.
    /// </summary>
    Task<IReadOnlyList<JobRecord>> ListJobsAsync(string type, JobState state, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a state row for good (not a tombstone); true when there was one. Only for keys that are never
    /// used again: a live activation still holding the row's version can no longer write (its version check fails).
    /// </summary>
    Task<bool> DeleteStateAsync(GrainStateId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes up to <paramref name="limit"/> completed jobs that finished before <paramref name="finishedBefore"/>,
    /// oldest first; returns how many. Dead jobs stay for the operator. A deleted job's unique key may be
    /// enqueued again, so callers keep completed jobs longer than any window in which the same job could be asked for again.
    /// </summary>
    Task<int> PruneCompletedJobsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per job type with any available, running or dead job: how many are in each state and when the oldest
    /// due one became due (for the job queue gauges; one grouped read, completed jobs left out).
    /// </summary>
    Task<IReadOnlyList<JobTypeStatistics>> GetJobStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Registers a callback run when jobs may have become available (in-process, or pg_notify from other processes).</summary>
    IDisposable SubscribeToJobWakeups(Action wake);
}
