using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace L402Train.Runtime;

/// <summary>
/// The <c>L402Train.Jobs</c> meter of one silo: jobs run by type and outcome (from
/// <see cref="JobWorkerParticipant.JobFinished"/>), and gauges of the shared queue by type (queued,
/// running, dead letters, and the lag of the oldest due job) read from the store. The gauges read
/// one grouped query at most every <see cref="CacheFor"/>, so a scrape (or several scrapers) never
/// hammers the database; a store that does not answer in <see cref="ReadTimeout"/> leaves the last values.
/// </summary>
public sealed class JobMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "L402Train.Jobs";

    /// <summary>How long one read of the store serves the gauges.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    /// <summary>How long a scrape waits for the store before it reports the last values.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    private readonly IGrainStore store;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Meter meter;
    private readonly Counter<long> processed;
    private readonly JobWorkerParticipant? workers;
    private readonly Lock gate = new();
    private IReadOnlyList<JobTypeStatistics> cached = [];
    private DateTimeOffset? readAt;
    private DateTimeOffset readNow;

    /// <summary>Creates the meter (through <paramref name="meters"/> when the host has one) and starts listening to this silo's job outcomes.</summary>
    public JobMetrics(IGrainStore store, TimeProvider time, ILogger<JobMetrics> logger, JobWorkerParticipant? workers = null, IMeterFactory? meters = null)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.logger = logger ?? throw new ArgumentNullException(nameof(logger));
        meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        processed = meter.CreateCounter<long>("l402train.jobs.processed", "{job}",
            "Job runs this silo finished, by type and outcome (completed, retrying, dead, lease_lost).");
        meter.CreateObservableGauge("l402train.jobs.queued", () => Gauge(s => s.Queued), "{job}", "Available jobs in the shared queue (due or scheduled), by type.");
        meter.CreateObservableGauge("l402train.jobs.running", () => Gauge(s => s.Running), "{job}", "Jobs held by a worker under a lease, by type.");
        meter.CreateObservableGauge("l402train.jobs.dead", () => Gauge(s => s.Dead), "{job}", "Dead letters: jobs out of attempts, by type.");
        meter.CreateObservableGauge("l402train.jobs.lag", () => Lag(), "s", "How long the oldest due job of each type has waited to be claimed (0 when none waits).");
        this.workers = workers;
        if (workers is not null) workers.JobFinished += OnJobFinished;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (workers is not null) workers.JobFinished -= OnJobFinished;
        meter.Dispose();
    }

    private void OnJobFinished(JobOutcome outcome) =>
        processed.Add(1, new KeyValuePair<string, object?>("type", outcome.Job.Type), new KeyValuePair<string, object?>("outcome", OutcomeName(outcome.Kind)));

    private static string OutcomeName(JobOutcomeKind kind) => kind switch
    {
        JobOutcomeKind.Completed => "completed",
        JobOutcomeKind.Retrying => "retrying",
        JobOutcomeKind.Dead => "dead",
        _ => "lease_lost",
    };

    private IEnumerable<Measurement<long>> Gauge(Func<JobTypeStatistics, long> pick) =>
        [.. Snapshot(out _).Select(s => new Measurement<long>(pick(s), new KeyValuePair<string, object?>("type", s.Type)))];

    private IEnumerable<Measurement<double>> Lag()
    {
        var rows = Snapshot(out var at);
        return [.. rows.Select(s => new Measurement<double>(s.Lag(at).TotalSeconds, new KeyValuePair<string, object?>("type", s.Type)))];
    }

    // One store read per CacheFor, shared by the four gauges of a scrape (they are collected one after another).
    private IReadOnlyList<JobTypeStatistics> Snapshot(out DateTimeOffset at)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (readAt is { } last && now - last < CacheFor)
            {
                at = readNow;
                return cached;
            }
            readAt = now;
        }
        try
        {
            // Gauge callbacks are synchronous; the wait is bounded and happens once per CacheFor.
            var read = store.GetJobStatisticsAsync(now);
            if (read.Wait(ReadTimeout))
            {
                lock (gate)
                {
                    cached = read.Result;
                    readNow = now;
                }
            }
            else
            {
                logger.LogWarning("The job queue gauges kept their last values: the store did not answer within {Timeout}.", ReadTimeout);
            }
        }
        catch (AggregateException ex)
        {
            logger.LogWarning(ex.InnerException ?? ex, "The job queue gauges kept their last values: the store could not be read.");
        }
        lock (gate)
        {
            at = readNow;
            return cached;
        }
    }
}
