namespace L402Train.Grains.Runtime;

/// <summary>
/// N silos in one process sharing one store (memory, SQLite or PostgreSQL), like Orleans'
/// TestCluster: reach grains through any silo, kill one abruptly (jobs stop mid-flight, leases
/// stay held), restart it. Every silo gets the same configuration and clock.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly Silo?[] silos;
    private readonly Func<int, Silo> build;

    private TestCluster(IGrainStore store, int count, Func<int, Silo> build)
    {
        Store = store;
        silos = new Silo?[count];
        this.build = build;
    }

    /// <summary>The shared store (owned by the cluster: disposed with it).</summary>
    public IGrainStore Store { get; }

    /// <summary>How many silo slots the cluster has.</summary>
    public int Count => silos.Length;

    /// <summary>Migrates the store and starts <paramref name="count"/> silos named silo-0, silo-1...</summary>
    public static async Task<TestCluster> StartAsync(IGrainStore store, int count, Action<SiloBuilder> configure, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await store.MigrateAsync();
        var cluster = new TestCluster(store, count, i =>
        {
            var builder = new SiloBuilder().UseStore(store).UseTimeProvider(time ?? TimeProvider.System);
            configure(builder);
            builder.Configure(o =>
            {
                o.SiloId = $"silo-{i}";
                o.MigrateOnStart = false;
            });
            return builder.Build();
        });
        for (var i = 0; i < count; i++) await cluster.RestartSiloAsync(i);
        return cluster;
    }

    /// <summary>The running silo in slot <paramref name="index"/>.</summary>
    public Silo Silo(int index) => silos[index] ?? throw new InvalidOperationException($"Silo {index} is not running (killed or stopped).");

    /// <summary>Grain references served by silo <paramref name="index"/>.</summary>
    public IGrainFactory GrainFactory(int index = 0) => Silo(index).GrainFactory;

    /// <summary>Kills silo <paramref name="index"/> abruptly.</summary>
    public void KillSilo(int index)
    {
        Silo(index).Kill();
        silos[index] = null;
    }

    /// <summary>Stops silo <paramref name="index"/> gracefully.</summary>
    public async Task StopSiloAsync(int index)
    {
        await Silo(index).StopAsync();
        silos[index] = null;
    }

    /// <summary>Starts a fresh silo in slot <paramref name="index"/> (stopping the old one gracefully if it still runs).</summary>
    public async Task<Silo> RestartSiloAsync(int index)
    {
        if (silos[index] is { } old) await old.StopAsync();
        var silo = build(index);
        await silo.StartAsync();
        silos[index] = silo;
        return silo;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in silos.OfType<Silo>()) await silo.StopAsync();
        await Store.DisposeAsync();
    }
}
