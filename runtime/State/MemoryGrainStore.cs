namespace L402Train.Runtime;

/// <summary>
/// The in-memory store (tests, <c>--store memory</c>): same semantics as SQLite and PostgreSQL,
/// kept in one process behind one lock. Nothing survives the process.
/// </summary>
internal sealed class MemoryGrainStore : IGrainStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<GrainStateId, StoredGrainState> states = [];
    private readonly Dictionary<long, JobRecord> jobs = [];
    private readonly Dictionary<(string, string), long> jobKeys = [];
    private readonly JobWakeups wakeups = new();
    private long nextJobId = 1;
    private readonly Dictionary<long, DateTimeOffset> completedAt = [];

    /// <inheritdoc/>
    public string Kind => "memory";

    /// <inheritdoc/>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task CheckHealthAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<IReadOnlyList<JobTypeStatistics>> GetJobStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var rows = jobs.Values.Where(j => j.State != JobState.Completed)
                .Select(j => (j.Type, j.State, 1L, j.State == JobState.Available && j.RunAt <= now ? (DateTimeOffset?)j.RunAt : null))
                .ToList();
            return Task.FromResult(JobTypeStatistics.Combine(rows));
        }
    }

    /// <inheritdoc/>
    public Task<StoredGrainState?> ReadStateAsync(GrainStateId id, CancellationToken cancellationToken = default)
    {
        lock (gate) { return Task.FromResult(states.GetValueOrDefault(id)); }
    }

    /// <summary>Overwrites a row's JSON without any check (tests use it to simulate corruption).</summary>
    public void WriteRawState(GrainStateId id, string json)
    {
        lock (gate) { states[id] = new StoredGrainState(json, (states.GetValueOrDefault(id)?.Version ?? 0) + 1); }
    }

    /// <inheritdoc/>
    public Task<long> WriteStateAsync(GrainStateId id, string? json, long? expectedVersion, IReadOnlyList<JobRequest> jobRequests, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        bool inserted;
        long version;
        lock (gate)
        {
            var current = states.GetValueOrDefault(id);
            if (current?.Version != expectedVersion)
                throw new InconsistentStateException(id, expectedVersion?.ToString());
            version = (current?.Version ?? 0) + 1;
            states[id] = new StoredGrainState(json, version);
            inserted = false;
            foreach (var job in jobRequests) inserted |= Insert(job, now);
        }
        if (inserted) wakeups.Wake();
        return Task.FromResult(version);
    }

    /// <inheritdoc/>
    public Task<bool> EnqueueAsync(JobRequest job, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        bool inserted;
        lock (gate) { inserted = Insert(job, now); }
        if (inserted) wakeups.Wake();
        return Task.FromResult(inserted);
    }

    private bool Insert(JobRequest job, DateTimeOffset now)
    {
        if (jobKeys.ContainsKey((job.Type, job.UniqueKey))) return false;
        var id = nextJobId++;
        jobKeys[(job.Type, job.UniqueKey)] = id;
        jobs[id] = new JobRecord(id, job.Type, job.UniqueKey, job.PayloadJson, JobState.Available, 0,
            job.MaxAttempts ?? JobWorkerOptions.DefaultMaxAttempts, job.RunAt ?? now, null, null, null);
        return true;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ClaimedJob>> ClaimJobsAsync(JobClaim claim, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var due = jobs.Values
                .Where(j => j.State == JobState.Available && j.RunAt <= claim.Now && claim.Types.Contains(j.Type))
                .OrderBy(j => j.RunAt).ThenBy(j => j.Id).Take(claim.Max).ToList();
            var claimed = new List<ClaimedJob>(due.Count);
            foreach (var job in due)
            {
                var running = job with { State = JobState.Running, Attempt = job.Attempt + 1, LockedBy = claim.WorkerId, LeaseUntil = claim.LeaseUntil };
                jobs[job.Id] = running;
                claimed.Add(new ClaimedJob(running.Id, running.Type, running.UniqueKey, running.PayloadJson, running.Attempt, running.MaxAttempts, running.RunAt));
            }
            return Task.FromResult<IReadOnlyList<ClaimedJob>>(claimed);
        }
    }

    /// <inheritdoc/>
    public Task<int> ExtendLeasesAsync(string workerId, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var held = jobs.Values.Where(j => j.State == JobState.Running && j.LockedBy == workerId).ToList();
            foreach (var job in held) jobs[job.Id] = job with { LeaseUntil = leaseUntil };
            return Task.FromResult(held.Count);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<long>> CompleteJobsAsync(IReadOnlyList<long> jobIds, string workerId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var completed = new List<long>(jobIds.Count);
        foreach (var id in jobIds)
        {
            if (await Finish(id, workerId, j => j with { State = JobState.Completed, LockedBy = null, LeaseUntil = null }))
            {
                completed.Add(id);
                lock (gate) completedAt[id] = now;
            }
        }
        return completed;
    }

    /// <inheritdoc/>
    public Task<bool> FailJobAsync(long jobId, string workerId, string error, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var result = Finish(jobId, workerId, j => retryAt is { } at
            ? j with { State = JobState.Available, RunAt = at, LockedBy = null, LeaseUntil = null, LastError = error }
            : j with { State = JobState.Dead, LockedBy = null, LeaseUntil = null, LastError = error });
        if (retryAt is not null) wakeups.Wake();
        return result;
    }

    private Task<bool> Finish(long jobId, string workerId, Func<JobRecord, JobRecord> change)
    {
        lock (gate)
        {
            if (!jobs.TryGetValue(jobId, out var job) || job.State != JobState.Running || job.LockedBy != workerId)
                return Task.FromResult(false);
            jobs[jobId] = change(job);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<int> RescueExpiredJobsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        int count;
        lock (gate)
        {
            var expired = jobs.Values.Where(j => j.State == JobState.Running && j.LeaseUntil < now).ToList();
            foreach (var job in expired)
            {
                var error = $"lease of worker {job.LockedBy} expired";
                jobs[job.Id] = job.Attempt >= job.MaxAttempts
                    ? job with { State = JobState.Dead, LockedBy = null, LeaseUntil = null, LastError = error }
                    : job with { State = JobState.Available, RunAt = now, LockedBy = null, LeaseUntil = null, LastError = error };
            }
            count = expired.Count;
        }
        if (count > 0) wakeups.Wake();
        return Task.FromResult(count);
    }

    /// <inheritdoc/>
    public Task<JobRecord?> FindJobAsync(string type, string uniqueKey, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(jobKeys.TryGetValue((type, uniqueKey), out var id) ? jobs[id] : null);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(string type, JobState state, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        JobListing.Validate(type, limit);
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<JobRecord>>([.. jobs.Values
                .Where(j => j.Type == type && j.State == state && j.Id > afterId)
                .OrderBy(j => j.Id).Take(limit)]);
        }
    }

    /// <inheritdoc/>
    public Task<bool> DeleteStateAsync(GrainStateId id, CancellationToken cancellationToken = default)
    {
        lock (gate) return Task.FromResult(states.Remove(id));
    }

    /// <inheritdoc/>
    public Task<int> PruneCompletedJobsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (gate)
        {
            var old = completedAt.Where(c => c.Value < finishedBefore && jobs[c.Key].State == JobState.Completed).Select(c => c.Key).Order().Take(limit).ToList();
            foreach (var id in old)
            {
                jobKeys.Remove((jobs[id].Type, jobs[id].UniqueKey));
                jobs.Remove(id);
                completedAt.Remove(id);
            }
            return Task.FromResult(old.Count);
        }
    }

    /// <inheritdoc/>
    public IDisposable SubscribeToJobWakeups(Action wake) => wakeups.Subscribe(wake);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
