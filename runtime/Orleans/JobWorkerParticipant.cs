using Microsoft.Extensions.Logging;

namespace L402Train.Runtime;

/// <summary>
/// Runs the silo's job workers (one per lane, each claiming only its lane's types) as part of the
/// Orleans silo lifecycle: they start once the silo is Active and stop before its grains
/// deactivate. A stop with an already-cancelled token is a kill: running jobs are abandoned,
/// nothing is recorded, their leases expire and another silo's rescue returns them to the queue.
/// </summary>
public sealed class JobWorkerParticipant : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly IServiceProvider services;
    private readonly IGrainStore store;
    private readonly SiloJobs jobs;
    private readonly TimeProvider time;
    private readonly ILocalSiloDetails silo;
    private readonly ILogger logger;
    private JobWorker[] workers = [];

    /// <summary>Created by the silo's DI container.</summary>
    public JobWorkerParticipant(IServiceProvider services, IGrainStore store, SiloJobs jobs, TimeProvider time, ILocalSiloDetails silo, ILogger<JobWorkerParticipant> logger)
    {
        this.services = services;
        this.store = store;
        this.jobs = jobs;
        this.time = time;
        this.silo = silo;
        this.logger = logger;
    }

    /// <summary>Raised after each job this silo ran (from a worker thread).</summary>
    public event Action<JobOutcome>? JobFinished;

    /// <summary>The id of the default lane's worker, or of the first lane's (null before start or when this silo runs no jobs).</summary>
    public string? WorkerId => workers.Length > 0 ? workers[0].WorkerId : null;

    /// <summary>Makes the workers claim now instead of at their next poll.</summary>
    public void Wake()
    {
        foreach (var worker in workers) worker.Wake();
    }

    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        // Migrations first (idempotent, safe to race), so grains and workers find the schema.
        lifecycle.Subscribe(nameof(JobWorkerParticipant), ServiceLifecycleStage.RuntimeInitialize, ct => store.MigrateAsync(ct), _ => Task.CompletedTask);
        lifecycle.Subscribe(nameof(JobWorkerParticipant), ServiceLifecycleStage.Active, StartAsync, StopAsync);
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        var handlers = jobs.CreateHandlers(services);
        var grains = (IGrainFactory)services.GetService(typeof(IGrainFactory))!;
        var siloId = silo.Name;
        workers = [.. handlers.GroupBy(h => jobs.Jobs.Lanes.GetValueOrDefault(h.Key, ""))
            .OrderBy(lane => lane.Key, StringComparer.Ordinal)
            .Select(lane =>
            {
                var workerId = $"{siloId}/{Guid.NewGuid():N}"[..(siloId.Length + 9)] + (lane.Key.Length > 0 ? $"/{lane.Key}" : "");
                return new JobWorker(store, lane.ToDictionary(h => h.Key, h => h.Value), jobs.Jobs, time,
                    job => new JobContext(job, grains, time, GrainJson.Options, siloId),
                    outcome => JobFinished?.Invoke(outcome), workerId, logger);
            })];
        foreach (var worker in workers) worker.Start();
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            foreach (var worker in workers) worker.Kill();
            return;
        }
        await Task.WhenAll(workers.Select(w => w.StopAsync()));
    }
}
