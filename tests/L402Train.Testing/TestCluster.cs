using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace L402Train.Testing;

/// <summary>
/// N Orleans silos in one process (Orleans' <see cref="InProcessTestCluster"/>: in-memory transport
/// and membership) sharing one store (memory, SQLite or PostgreSQL) and, when given, one fake clock
/// for grains and jobs (Orleans' own timers stay on real time). Reach grains through any silo, kill
/// one abruptly (its job workers stop mid-flight, leases stay held), restart it.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster cluster;
    private readonly InProcessSiloHandle?[] slots;

    private TestCluster(IGrainStore store, InProcessTestCluster cluster, int count)
    {
        Store = store;
        this.cluster = cluster;
        slots = new InProcessSiloHandle?[count];
    }

    /// <summary>The shared store (owned by the cluster: disposed with it).</summary>
    public IGrainStore Store { get; }

    /// <summary>How many silo slots the cluster has.</summary>
    public int Count => slots.Length;

    /// <summary>Migrates the store and starts <paramref name="count"/> silos; <paramref name="configure"/> runs for each silo started.</summary>
    public static async Task<TestCluster> StartAsync(IGrainStore store, int count, Action<TestSiloBuilder> configure, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await store.MigrateAsync();
        var builder = new InProcessTestClusterBuilder(checked((short)count));
        // Tests reach grains through the silos' own factories: no external client to start.
        builder.Options.InitializeClientOnDeploy = false;
        builder.ConfigureSilo((_, silo) =>
        {
            var setup = new TestSiloBuilder();
            configure(setup);
            foreach (var services in setup.ServiceSets)
            {
                foreach (var service in services) silo.Services.Add(service);
            }
            if (time is not null)
            {
                silo.Services.AddSingleton(time);
                silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            }
            silo.AddL402Runtime(store);
            foreach (var jobs in setup.Jobs) silo.Services.AddJobs(jobs);
            foreach (var more in setup.Orleans) more(silo);
        });
        var started = new TestCluster(store, builder.Build(), count);
        await started.cluster.DeployAsync();
        for (var i = 0; i < count; i++) started.slots[i] = started.cluster.Silos[i];
        return started;
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, re-checking after every job a running silo
    /// finishes (a signal, not a sleep). It listens before each check, so a job that finishes between
    /// the check and the wait is never missed; fails with <paramref name="what"/> after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var expiry = new CancellationTokenSource(timeout);
        while (true)
        {
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnFinished(JobOutcome _) => finished.TrySetResult();
            var running = Enumerable.Range(0, Count).Where(i => slots[i] is not null).Select(Silo).ToList();
            foreach (var silo in running) silo.JobFinished += OnFinished;
            try
            {
                if (await condition()) return;
                foreach (var silo in running) silo.WakeJobWorkers();
                try { await finished.Task.WaitAsync(expiry.Token); }
                catch (OperationCanceledException) { throw new TimeoutException($"Timed out after {timeout} waiting for {what}."); }
            }
            finally
            {
                foreach (var silo in running) silo.JobFinished -= OnFinished;
            }
        }
    }

    /// <summary>The running silo in slot <paramref name="index"/>.</summary>
    public TestSilo Silo(int index) => new(slots[index] ?? throw new InvalidOperationException($"Silo {index} is not running (killed or stopped)."), Store);

    /// <summary>Grain references served by silo <paramref name="index"/>.</summary>
    public IGrainFactory GrainFactory(int index = 0) => Silo(index).GrainFactory;

    /// <summary>Kills silo <paramref name="index"/> abruptly: no graceful stop, its job workers abandon their jobs.</summary>
    public async Task KillSiloAsync(int index)
    {
        var handle = slots[index] ?? throw new InvalidOperationException($"Silo {index} is not running.");
        slots[index] = null;
        await cluster.KillSiloAsync(handle);
    }

    /// <summary>Stops silo <paramref name="index"/> gracefully.</summary>
    public async Task StopSiloAsync(int index)
    {
        var handle = slots[index] ?? throw new InvalidOperationException($"Silo {index} is not running.");
        slots[index] = null;
        await cluster.StopSiloAsync(handle);
    }

    /// <summary>Starts a fresh silo in slot <paramref name="index"/> (stopping the old one gracefully if it still runs).</summary>
    public async Task<TestSilo> RestartSiloAsync(int index)
    {
        if (slots[index] is { } old)
        {
            slots[index] = null;
            await cluster.StopSiloAsync(old);
        }
        slots[index] = await cluster.StartAdditionalSiloAsync();
        return Silo(index);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await cluster.DisposeAsync();
        await Store.DisposeAsync();
    }
}

/// <summary>One running silo of a <see cref="TestCluster"/>.</summary>
public sealed class TestSilo
{
    private readonly InProcessSiloHandle handle;

    internal TestSilo(InProcessSiloHandle handle, IGrainStore store)
    {
        this.handle = handle;
        Store = store;
    }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => handle.ServiceProvider;

    /// <summary>The silo's name.</summary>
    public string Id => handle.Name;

    /// <summary>Grain references served by this silo.</summary>
    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The shared store.</summary>
    public IGrainStore Store { get; }

    private JobWorkerParticipant Jobs => Services.GetRequiredService<JobWorkerParticipant>();

    /// <summary>The id of the silo's default-lane job worker (null when it runs no jobs).</summary>
    public string? WorkerId => Jobs.WorkerId;

    /// <summary>Raised after each job this silo ran (from a worker thread).</summary>
    public event Action<JobOutcome>? JobFinished
    {
        add => Jobs.JobFinished += value;
        remove => Jobs.JobFinished -= value;
    }

    /// <summary>Makes the silo's job workers claim now.</summary>
    public void WakeJobWorkers() => Jobs.Wake();

    /// <summary>Inserts a job outside any grain turn; false when its (type, unique key) already exists.</summary>
    public Task<bool> EnqueueJobAsync(JobRequest job, CancellationToken cancellationToken = default) =>
        Services.GetRequiredService<JobQueue>().EnqueueAsync(job, cancellationToken);
}
