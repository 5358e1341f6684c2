namespace L402Train.Runtime;

/// <summary>Enqueues jobs outside any grain turn (the fee watch, operators' commands).</summary>
public sealed class JobQueue(IGrainStore store, TimeProvider time)
{
    /// <summary>Inserts a job; false when its (type, unique key) already exists. Workers are woken by the store.</summary>
    public Task<bool> EnqueueAsync(JobRequest job, CancellationToken cancellationToken = default) =>
        store.EnqueueAsync(job, time.GetUtcNow(), cancellationToken);
}
