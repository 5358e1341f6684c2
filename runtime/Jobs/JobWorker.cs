using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace L402Train.Runtime;

/// <summary>
/// Claims due jobs of the types this silo handles (keeping up to
/// <see cref="JobWorkerOptions.Prefetch"/> waiting beyond <see cref="JobWorkerOptions.Concurrency"/>
/// running), runs them on that many runners, and records completions in batches that overlap
/// the next claim. Leases are extended by one heartbeat per worker; any silo's rescuer
/// returns expired leases to the queue. Wakes on store notifications, polls as the fallback.
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
    private const int MaxCompletionBatch = 256;
    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenSource cancelHandlers = new();
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<ClaimedJob> ready = Channel.CreateUnbounded<ClaimedJob>();
    private readonly Channel<ClaimedJob> completed = Channel.CreateUnbounded<ClaimedJob>();
    private readonly List<IDisposable> resources = [];
    private volatile bool killed;
    private int held; // claimed and not yet finished by a runner (recording happens in the background)
    private Task loop = Task.CompletedTask;
    private Task runners = Task.CompletedTask;
    private Task completer = Task.CompletedTask;

    public string WorkerId => workerId;

    public void Start()
    {
        resources.Add(store.SubscribeToJobWakeups(Wake));
        resources.Add(time.CreateTimer(_ => _ = HeartbeatAsync(), null, options.HeartbeatInterval, options.HeartbeatInterval));
        resources.Add(time.CreateTimer(_ => _ = RescueAsync(), null, options.RescueInterval, options.RescueInterval));
        runners = Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(RunnerAsync)));
        completer = Task.Run(CompleterAsync);
        loop = Task.Run(LoopAsync);
    }

    public void Wake() => wake.Writer.TryWrite(true);

    private async Task LoopAsync()
    {
        var types = handlers.Keys.ToArray();
        while (!stopping.IsCancellationRequested)
        {
            var free = options.Concurrency + options.Prefetch - Volatile.Read(ref held);
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
                    Interlocked.Increment(ref held);
                    ready.Writer.TryWrite(job);
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

    private async Task RunnerAsync()
    {
        await foreach (var job in ready.Reader.ReadAllAsync())
        {
            if (killed) return;
            await RunAsync(job);
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
        if (error is null)
        {
            // The next claim may overlap the completion UPDATE: the runner is free now.
            completed.Writer.TryWrite(job);
            Finished(1);
            return;
        }
        var outcome = JobOutcomeKind.LeaseLost;
        try
        {
            var now = time.GetUtcNow();
            DateTimeOffset? retryAt = job.Attempt >= job.MaxAttempts ? null
                : cancelHandlers.IsCancellationRequested ? now : now + options.RetryDelay(job.Attempt);
            if (await store.FailJobAsync(job.Id, workerId, error, retryAt, now))
                outcome = retryAt is null ? JobOutcomeKind.Dead : JobOutcomeKind.Retrying;
        }
        catch (DbException ex)
        {
            logger.LogError(ex, "Could not record the failure of job {Type}/{Key}; its lease will expire and it will run again.", job.Type, job.UniqueKey);
        }
        if (outcome == JobOutcomeKind.Dead) await DeadLetteredAsync(job, error);
        Finished(1);
        report(new JobOutcome(job, outcome, error));
    }

    // A dead job is an operator's matter: said at error level, and its handler may settle what it owned.
    private async Task DeadLetteredAsync(ClaimedJob job, string error)
    {
        logger.LogError("Job {Type}/{Key} is dead after {Attempts} attempts: {Error}", job.Type, job.UniqueKey, job.Attempt, error);
        if (handlers.GetValueOrDefault(job.Type) is not IDeadLetterHandler deadLetters) return;
        try
        {
            await deadLetters.OnDeadLetterAsync(contextFor(job), error, cancelHandlers.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Logged and left to the owner's periodic sweep of dead jobs, which retries it durably.
            logger.LogError(ex, "The dead-letter handler of job {Type}/{Key} failed; the sweep of dead jobs will retry it.", job.Type, job.UniqueKey);
        }
    }

    // One UPDATE for every completion that piled up while the previous one ran.
    private async Task CompleterAsync()
    {
        var batch = new List<ClaimedJob>(MaxCompletionBatch);
        while (await completed.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxCompletionBatch && completed.Reader.TryRead(out var job)) batch.Add(job);
            if (killed) return;
            IReadOnlyList<long> done = [];
            try
            {
                done = await store.CompleteJobsAsync([.. batch.Select(j => j.Id)], workerId, time.GetUtcNow());
            }
            catch (DbException ex)
            {
                logger.LogError(ex, "Could not record {Count} completed jobs; their leases will expire and they will run again.", batch.Count);
            }
            var recorded = done.ToHashSet();
            foreach (var job in batch)
                report(new JobOutcome(job, recorded.Contains(job.Id) ? JobOutcomeKind.Completed : JobOutcomeKind.LeaseLost, null));
        }
    }

    private void Finished(int count)
    {
        Interlocked.Add(ref held, -count);
        Wake();
    }

    private async Task HeartbeatAsync()
    {
        if (killed || Volatile.Read(ref held) == 0) return;
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

    /// <summary>Stops claiming, runs what it holds within the grace period (then cancels handlers), records the outcomes.</summary>
    public async Task StopAsync()
    {
        await stopping.CancelAsync();
        await loop;
        ready.Writer.TryComplete();
        try
        {
            await runners.WaitAsync(options.ShutdownGrace, time);
        }
        catch (TimeoutException)
        {
            await cancelHandlers.CancelAsync();
            await runners;
        }
        completed.Writer.TryComplete();
        await completer;
        DisposeResources();
    }

    /// <summary>Abrupt death: nothing more is written, leases stay until they expire.</summary>
    public void Kill()
    {
        killed = true;
        stopping.Cancel();
        cancelHandlers.Cancel();
        ready.Writer.TryComplete();
        completed.Writer.TryComplete();
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
