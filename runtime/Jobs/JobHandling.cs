using System.Text.Json;

namespace L402Train.Runtime;

/// <summary>
/// Runs jobs of one type. Delivery is at-least-once (a silo can die after the effect and before
/// completion is recorded), so a handler must be idempotent: check before acting, or use the
/// job's unique key as the idempotency key of the effect.
/// </summary>
public interface IJobHandler
{
    /// <summary>Performs the job; throwing schedules a retry (or the dead letter after the last attempt).</summary>
    Task HandleAsync(JobContext job, CancellationToken cancellationToken);
}

/// <summary>What a handler gets: the job as claimed, the silo's grains and clock.</summary>
public sealed class JobContext
{
    internal JobContext(ClaimedJob job, IGrainFactory grains, TimeProvider time, JsonSerializerOptions json, string siloId)
    {
        Job = job;
        Grains = grains;
        Time = time;
        Json = json;
        SiloId = siloId;
    }

    private JsonSerializerOptions Json { get; }

    /// <summary>The claimed job (id, type, unique key, payload, attempt number starting at 1, max attempts, run_at).</summary>
    public ClaimedJob Job { get; }

    /// <summary>The job's id.</summary>
    public long Id => Job.Id;

    /// <summary>The job's type.</summary>
    public string Type => Job.Type;

    /// <summary>The unique key the job was enqueued with.</summary>
    public string UniqueKey => Job.UniqueKey;

    /// <summary>1 on the first run, 2 on the first retry...</summary>
    public int Attempt => Job.Attempt;

    /// <summary>Grains of the silo running the job (a reminder-style job calls its grain).</summary>
    public IGrainFactory Grains { get; }

    /// <summary>The silo's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Which silo runs it.</summary>
    public string SiloId { get; }

    /// <summary>The payload deserialized as <typeparamref name="T"/>.</summary>
    public T Payload<T>() =>
        JsonSerializer.Deserialize<T>(Job.PayloadJson, Json) ?? throw new InvalidDataException($"Job {Job.Type}/{Job.UniqueKey} has a null payload.");
}

/// <summary>How a job run ended.</summary>
public enum JobOutcomeKind
{
    /// <summary>Handler succeeded; recorded completed.</summary>
    Completed,
    /// <summary>Handler failed; another attempt is scheduled.</summary>
    Retrying,
    /// <summary>Handler failed on the last attempt; kept dead with the error.</summary>
    Dead,
    /// <summary>The worker no longer held the job (lease expired and rescued): nothing recorded.</summary>
    LeaseLost,
}

/// <summary>Reported after each job run (tests and metrics listen to it).</summary>
public sealed record JobOutcome(ClaimedJob Job, JobOutcomeKind Kind, string? Error);

/// <summary>Job worker settings of a silo.</summary>
public sealed class JobWorkerOptions
{
    /// <summary>Attempts before a job is dead-lettered unless the request says otherwise.</summary>
    public const int DefaultMaxAttempts = 10;

    /// <summary>Jobs run at once per silo.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// Jobs claimed ahead of a free runner. More raises throughput of short jobs; keep it low for
    /// long jobs, which would otherwise wait here while other silos idle.
    /// </summary>
    public int Prefetch { get; set; } = 4;

    /// <summary>How long a claim holds a job without a heartbeat.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often held leases are extended (well under <see cref="Lease"/>).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Job types that run on a worker of their own, by lane name (types not listed share the
    /// default lane). Each lane has its own <see cref="Concurrency"/> runners and prefetch, so
    /// long CPU-bound jobs (validation) never hold the runners that short money jobs (settle,
    /// cancel, pay) need: a settle does not queue behind a round of validations.
    /// </summary>
    public Dictionary<string, string> Lanes { get; } = new(StringComparer.Ordinal);

    /// <summary>Polling fallback when no wake-up arrives.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often expired leases are looked for.</summary>
    public TimeSpan RescueInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry delay; doubles per attempt, ±20% jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a graceful stop waits for running handlers before cancelling them.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The delay before attempt <paramref name="failedAttempt"/> + 1: exponential with ±20% jitter, capped.</summary>
    public TimeSpan RetryDelay(int failedAttempt)
    {
        var exponential = RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        var capped = Math.Min(exponential, RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }
}
