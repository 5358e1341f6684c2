using L402Train.Runtime;

namespace L402Train.Grains.Retention;

/// <summary>What else the retention job deletes besides completed jobs (e.g. bounties whose funding expired unpaid).</summary>
internal interface IRetentionSweep
{
    /// <summary>Deletes what became garbage before <paramref name="before"/>; returns how many rows went. Must be idempotent.</summary>
    /// <param name="grains">The running silo's grains (a sweep is built with the silo, before its grains exist).</param>
    /// <param name="before">The cutoff: now minus the retention.</param>
    /// <param name="cancellationToken">Stops the sweep.</param>
    Task<int> SweepAsync(IGrainFactory grains, DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>
/// The durable periodic retention job: one job per <see cref="RetentionOptions.Interval"/> slot, each
/// enqueuing the next, unique by slot so that silos starting and runs repeating never double it.
/// </summary>
public static class RetentionJob
{
    /// <summary>The job type.</summary>
    public const string Type = "retention.prune";

    /// <summary>The run of the slot holding <paramref name="at"/>, due at <paramref name="at"/>.</summary>
    public static JobRequest At(DateTimeOffset at, TimeSpan interval)
    {
        var slot = at.ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds;
        return JobRequest.Create(Type, FormattableString.Invariant($"slot:{slot}"), new RetentionRun(slot), at, GrainJson.Options);
    }
}

/// <summary>The payload of a retention run.</summary>
/// <param name="Slot">Its interval slot since the Unix epoch.</param>
internal sealed record RetentionRun(long Slot);

/// <summary>Deletes completed jobs and whatever the sweeps collect that is older than the retention, then schedules the next run.</summary>
internal sealed class RetentionJobHandler(IGrainStore store, RetentionOptions options, IEnumerable<IRetentionSweep> sweeps) : IJobHandler
{
    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var now = job.Time.GetUtcNow();
        var before = now - options.Retention;
        foreach (var sweep in sweeps) await sweep.SweepAsync(job.Grains, before, cancellationToken);
        while (await store.PruneCompletedJobsAsync(before, options.BatchSize, cancellationToken) == options.BatchSize)
        {
            // A full batch: more may be waiting.
        }
        await store.EnqueueAsync(RetentionJob.At(now + options.Interval, options.Interval), now, cancellationToken);
    }
}
