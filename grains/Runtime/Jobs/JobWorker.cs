using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace L402Train.Grains.Runtime;

/// <summary>
/// Claims due jobs of the types this silo handles and runs them, up to
/// <see cref="JobWorkerOptions.Concurrency"/> at once. Leases are extended by one heartbeat per
/// worker; any silo's rescuer returns expired leases to the queue. Wakes on store notifications,
/// polls as the fallback.
/// </summary>
internal sealed class JobWorker(
    IGrainStore store,
    IReadOnlyDictionary<string, IJobHandler> handlers,
    JobWorkerOptions options,
    TimeProvider time,
    Func<ClaimedJob, JobContext> contextFor,
    Action<JobOutcome> report,
    string workerId,
    ILogger logger)
{
    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenSource cancelHandlers = new();
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<long, Task> inFlight = new();
    private readonly List<IDisposable> resources = [];
    private volatile bool killed;
    private int running;
    private Task loop = Task.CompletedTask;

    public string WorkerId => workerId;

    public void Start()
    {
        resources.Add(store.SubscribeToJobWakeups(Wake));
        resources.Add(time.CreateTimer(_ => _ = HeartbeatAsync(), null, options.HeartbeatInterval, options.HeartbeatInterval));
        resources.Add(time.CreateTimer(_ => _ = RescueAsync(), null, options.RescueInterval, options.RescueInterval));
        loop = Task.Run(LoopAsync);
    }

    public void Wake() => wake.Writer.TryWrite(true);

    private async Task LoopAsync()
    {
        var types = handlers.Keys.ToArray();
        while (!stopping.IsCancellationRequested)
        {
            var free = options.Concurrency - Volatile.Read(ref running);
            var more = false;
            if (free > 0)
            {
                IReadOnlyList<ClaimedJob> jobs;
                try
                {
                    var now = time.GetUtcNow();
                    jobs = await store.ClaimJobsAsync(new JobClaim(workerId, types, free, now, now + options.Lease), stopping.Token);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (DbException ex)
                {
                    logger.LogWarning(ex, "Worker {Worker} could not claim jobs; retrying after the poll interval.", workerId);
                    jobs = [];
                }
                if (killed) return;
                foreach (var job in jobs)
                {
                    Interlocked.Increment(ref running);
                    inFlight[job.Id] = Task.Run(() => RunAsync(job));
                }
                more = jobs.Count == free;
            }
            if (!more) await WaitForWakeAsync();
        }
    }

    private async Task WaitForWakeAsync()
    {
        using var poll = new CancellationTokenSource(options.PollInterval, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token, poll.Token);
        try
        {
            await wake.Reader.WaitToReadAsync(either.Token);
            wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            // Poll interval elapsed (or stopping): claim again.
        }
    }

    private async Task RunAsync(ClaimedJob job)
    {
        string? error = null;
        try
        {
            if (!handlers.TryGetValue(job.Type, out var handler)) throw new InvalidOperationException($"No handler for job type '{job.Type}'.");
            await handler.HandleAsync(contextFor(job), cancelHandlers.Token);
        }
        catch (Exception ex)
        {
            // Recorded as the job's last error below (or irrelevant: a killed silo records nothing).
            error = cancelHandlers.IsCancellationRequested && ex is OperationCanceledException
                ? "cancelled: the silo stopped during the job"
                : $"{ex.GetType().Name}: {ex.Message}";
            if (!killed) logger.LogWarning(ex, "Job {Type}/{Key} attempt {Attempt} failed.", job.Type, job.UniqueKey, job.Attempt);
        }
        if (killed) return;
        var outcome = JobOutcomeKind.LeaseLost;
        try
        {
            var now = time.GetUtcNow();
            if (error is null)
            {
                if (await store.CompleteJobAsync(job.Id, workerId, now)) outcome = JobOutcomeKind.Completed;
            }
            else
            {
                DateTimeOffset? retryAt = job.Attempt >= job.MaxAttempts ? null
                    : cancelHandlers.IsCancellationRequested ? now : now + options.RetryDelay(job.Attempt);
                if (await store.FailJobAsync(job.Id, workerId, error, retryAt, now))
                    outcome = retryAt is null ? JobOutcomeKind.Dead : JobOutcomeKind.Retrying;
            }
        }
        catch (DbException ex)
        {
            logger.LogError(ex, "Could not record the end of job {Type}/{Key}; its lease will expire and it will run again.", job.Type, job.UniqueKey);
        }
        finally
        {
            Interlocked.Decrement(ref running);
            inFlight.TryRemove(job.Id, out _);
            Wake();
        }
        report(new JobOutcome(job, outcome, error));
    }

    private async Task HeartbeatAsync()
    {
        if (killed || Volatile.Read(ref running) == 0) return;
        try
        {
            await store.ExtendLeasesAsync(workerId, time.GetUtcNow() + options.Lease);
        }
        catch (DbException ex)
        {
            logger.LogWarning(ex, "Worker {Worker} could not extend its leases.", workerId);
        }
    }

    private async Task RescueAsync()
    {
        if (killed) return;
        try
        {
            var rescued = await store.RescueExpiredJobsAsync(time.GetUtcNow());
            if (rescued > 0) logger.LogWarning("Rescued {Count} jobs whose lease expired.", rescued);
        }
        catch (DbException ex)
        {
            logger.LogWarning(ex, "Rescue of expired job leases failed.");
        }
    }

    /// <summary>Stops claiming, lets running jobs finish within the grace period, then cancels them.</summary>
    public async Task StopAsync()
    {
        await stopping.CancelAsync();
        DisposeResources();
        await loop;
        var remaining = Task.WhenAll(inFlight.Values);
        try
        {
            await remaining.WaitAsync(options.ShutdownGrace, time);
        }
        catch (TimeoutException)
        {
            await cancelHandlers.CancelAsync();
            await remaining;
        }
    }

    /// <summary>Abrupt death: nothing more is written, leases stay until they expire.</summary>
    public void Kill()
    {
        killed = true;
        stopping.Cancel();
        cancelHandlers.Cancel();
        DisposeResources();
    }

    private void DisposeResources()
    {
        lock (resources)
        {
            foreach (var resource in resources) resource.Dispose();
            resources.Clear();
        }
    }
}
