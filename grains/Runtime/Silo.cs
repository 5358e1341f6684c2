using Microsoft.Extensions.Logging;

namespace L402Train.Grains.Runtime;

/// <summary>
/// One silo: its grain activations, its job worker (when it has handlers) and its timers.
/// Silos share nothing but the store; any silo serves any grain, the version check arbitrates.
/// </summary>
public sealed class Silo : IAsyncDisposable
{
    private readonly GrainCatalog catalog;
    private readonly JobWorker[] workers;
    private readonly ILogger logger;
    private ITimer? idleTimer;
    private int state; // 0 built, 1 started, 2 stopped

    internal Silo(IGrainStore store, TimeProvider time, SiloOptions options, IReadOnlyDictionary<Type, GrainRegistration> grains,
        IReadOnlyDictionary<string, IJobHandler> handlers, IReadOnlyList<IIncomingGrainCallFilter> filters, IServiceProvider services, ILoggerFactory loggers)
    {
        Store = store;
        Time = time;
        Options = options;
        logger = loggers.CreateLogger("L402Train.Grains.Runtime.Silo");
        catalog = new GrainCatalog(store, time, options, grains, filters, services, logger);
        // One worker per lane (the default lane first), each claiming only its lane's job types.
        workers = [.. handlers.GroupBy(h => options.Jobs.Lanes.GetValueOrDefault(h.Key, ""))
            .OrderBy(lane => lane.Key, StringComparer.Ordinal)
            .Select(lane =>
            {
                var workerId = $"{options.SiloId}/{Guid.NewGuid():N}"[..(options.SiloId.Length + 9)] + (lane.Key.Length > 0 ? $"/{lane.Key}" : "");
                return new JobWorker(store, lane.ToDictionary(h => h.Key, h => h.Value), options.Jobs, time,
                    job => new JobContext(job, catalog.Factory, time, options.Json, options.SiloId),
                    outcome => JobFinished?.Invoke(outcome), workerId, logger);
            })];
    }

    /// <summary>This silo's id.</summary>
    public string Id => Options.SiloId;

    /// <summary>The roles it plays.</summary>
    public IReadOnlySet<string> Roles => Options.Roles;

    /// <summary>Its options.</summary>
    public SiloOptions Options { get; }

    /// <summary>The shared store.</summary>
    public IGrainStore Store { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Grain references served by this silo.</summary>
    public IGrainFactory GrainFactory => catalog.Factory;

    /// <summary>Live activations (bounded by idle deactivation).</summary>
    public int ActivationCount => catalog.Count;

    /// <summary>The id of the default lane's job worker, or of the first lane's (null when this silo runs no jobs).</summary>
    public string? WorkerId => workers.Length > 0 ? workers[0].WorkerId : null;

    /// <summary>Raised after each job this silo ran (from a worker thread).</summary>
    public event Action<JobOutcome>? JobFinished;

    /// <summary>Migrates (unless disabled) and starts the job worker and idle collection.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref state, 1, 0) != 0) throw new InvalidOperationException("A silo starts once.");
        if (Options.MigrateOnStart) await Store.MigrateAsync(cancellationToken);
        idleTimer = Time.CreateTimer(_ => _ = CollectIdleActivationsAsync(), null, Options.IdleCollectionInterval, Options.IdleCollectionInterval);
        foreach (var worker in workers) worker.Start();
    }

    /// <summary>Deactivates activations idle longer than <see cref="SiloOptions.IdleDeactivationAfter"/>; returns how many.</summary>
    public async Task<int> CollectIdleActivationsAsync()
    {
        try
        {
            return await catalog.CollectIdleAsync(Time.GetUtcNow() - Options.IdleDeactivationAfter);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Idle collection failed (an OnDeactivateAsync threw).");
            return 0;
        }
    }

    /// <summary>Inserts a job outside any grain turn; false when its (type, unique key) already exists.</summary>
    public Task<bool> EnqueueJobAsync(JobRequest job, CancellationToken cancellationToken = default) =>
        Store.EnqueueAsync(job, Time.GetUtcNow(), cancellationToken);

    /// <summary>Makes the job worker claim now instead of at its next poll.</summary>
    public void WakeJobWorkers()
    {
        foreach (var worker in workers) worker.Wake();
    }

    /// <summary>Graceful stop: running jobs finish (within the grace period), activations deactivate.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref state, 2) == 2) return;
        idleTimer?.Dispose();
        await Task.WhenAll(workers.Select(w => w.StopAsync()));
        await catalog.StopAsync();
    }

    /// <summary>Abrupt death for tests: jobs stop mid-flight, leases stay held until they expire, nothing is written.</summary>
    public void Kill()
    {
        Interlocked.Exchange(ref state, 2);
        idleTimer?.Dispose();
        foreach (var worker in workers) worker.Kill();
        catalog.Kill();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync();
}
