using System.Globalization;
using L402Train.Runtime;
using Microsoft.Extensions.Logging;

namespace L402Train.Grains.Payments;

/// <summary>
/// Job types whose dead jobs hold money, each with how to settle what it held (e.g. a dead
/// validation gets the verdict <c>validator_error</c>, which refunds its deposit). The worker's
/// dead-letter hook does this at once; <see cref="SweepDeadJobsHandler"/> repeats it durably for the
/// jobs the hook missed (a silo that died on the last attempt, a hook that failed).
/// </summary>
public sealed class DeadJobOwners
{
    private readonly Dictionary<string, Func<IGrainFactory, string, Task<bool>>> owners = new(StringComparer.Ordinal);

    /// <summary>
    /// Registers <paramref name="jobType"/>: <paramref name="settle"/> gets the grains and the job's
    /// payload JSON, must be idempotent, and returns true when it settled something now.
    /// </summary>
    public DeadJobOwners Add(string jobType, Func<IGrainFactory, string, Task<bool>> settle)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobType);
        owners[jobType] = settle ?? throw new ArgumentNullException(nameof(settle));
        return this;
    }

    /// <summary>The registered job types and how each is settled.</summary>
    public IReadOnlyDictionary<string, Func<IGrainFactory, string, Task<bool>>> Owners => owners;
}

/// <summary>Settings of the periodic sweep of dead money jobs.</summary>
public sealed class DeadJobSweepOptions
{
    private TimeSpan interval = TimeSpan.FromMinutes(5);

    /// <summary>How often the sweep runs (one job row per run; at least a second).</summary>
    public TimeSpan Interval
    {
        get => interval;
        set => interval = value >= TimeSpan.FromSeconds(1) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The sweep interval must be at least a second.");
    }
}

/// <summary>Payload of a sweep: its tick (the run time in units of the interval since the epoch).</summary>
/// <param name="Tick">Which run.</param>
internal sealed record DeadJobSweepJob(long Tick);

/// <summary>
/// <c>money.sweep-dead</c> (settler role): queues the next run first (so one failed run never ends
/// the chain), then settles every dead job of the types in <see cref="DeadJobOwners"/> that is not
/// settled yet, logging each at error level for the operator. Runs are unique by tick, so every
/// silo may queue the next one at start-up.
/// </summary>
public sealed class SweepDeadJobsHandler(IGrainStore store, DeadJobOwners owners, DeadJobSweepOptions options, ILogger<SweepDeadJobsHandler> logger) : IJobHandler
{
    /// <summary>The job type.</summary>
    public const string JobType = "money.sweep-dead";

    private const int PageSize = 500;

    /// <summary>The run after <paramref name="now"/> (unique by tick).</summary>
    public static JobRequest Next(DateTimeOffset now, TimeSpan interval)
    {
        var tick = (now.ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds) + 1;
        return JobRequest.Create(JobType, tick.ToString(CultureInfo.InvariantCulture), new DeadJobSweepJob(tick),
            DateTimeOffset.FromUnixTimeMilliseconds(tick * (long)interval.TotalMilliseconds));
    }

    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await store.EnqueueAsync(Next(job.Time.GetUtcNow(), options.Interval), job.Time.GetUtcNow(), cancellationToken);
        var settled = await SweepAsync(store, owners, job.Grains, logger, cancellationToken);
        if (settled > 0) logger.LogError("The sweep settled {Count} dead money jobs their dead-letter hook had missed.", settled);
    }

    /// <summary>Settles every dead job of the registered types; returns how many were settled by this call.</summary>
    public static async Task<int> SweepAsync(IGrainStore store, DeadJobOwners owners, IGrainFactory grains, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(owners);
        ArgumentNullException.ThrowIfNull(logger);
        var settled = 0;
        foreach (var (type, settle) in owners.Owners)
        {
            for (var after = 0L; ;)
            {
                var page = await store.ListJobsAsync(type, JobState.Dead, after, PageSize, cancellationToken);
                if (page.Count == 0) break;
                foreach (var dead in page)
                {
                    if (!await settle(grains, dead.PayloadJson)) continue;
                    settled++;
                    logger.LogError("Dead job {Type}/{Key} ({Error}) was settled: its submission got validator_error and its deposit is refunded.",
                        dead.Type, dead.UniqueKey, dead.LastError);
                }
                after = page[^1].Id;
            }
        }
        return settled;
    }
}
