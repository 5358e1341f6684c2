using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace L402Train.Bench.Grains;

public interface IBenchCounterGrain : IGrainWithStringKey
{
    Task<int> Add(int n);
}

public sealed record BenchCounter(int Count = 0);

public sealed class BenchCounterGrain([PersistentState("c")] IPersistentState<BenchCounter> counter) : OutboxGrain, IBenchCounterGrain
{
    public async Task<int> Add(int n)
    {
        counter.State = new BenchCounter(counter.State.Count + n);
        await counter.WriteStateAsync();
        return counter.State.Count;
    }
}

/// <summary>Grain writes/s, job throughput and enqueue-to-start latency on SQLite and PostgreSQL.</summary>
public static class GrainFigures
{
    private const int Keys = 16;

    public static async Task<int> RunAsync(string? postgres, TimeSpan duration, TextWriter output)
    {
        void Print(string name, double value) => output.WriteLine($"{name}={value.ToString("0.##", CultureInfo.InvariantCulture)}");

        var dir = Directory.CreateTempSubdirectory("l402-bench-");
        try
        {
            await using (var sqlite = new SqliteGrainStore(Path.Combine(dir.FullName, "bench.db")))
            {
                await sqlite.MigrateAsync();
                Print("sqlite_store_writes_per_s_16_keys", await StoreWritesPerSecondAsync(sqlite, duration));
                Print("sqlite_silo_start_ms", await SiloStartMillisecondsAsync(sqlite));
                Print("sqlite_grain_writes_per_s_16_keys", await GrainWritesPerSecondAsync(sqlite, duration));
                Print("sqlite_jobs_per_s_4_workers", await JobsPerSecondAsync(sqlite, 2000));
            }
            if (postgres is null)
            {
                output.WriteLine("postgres=skipped (set L402TRAIN_TEST_POSTGRES or pass --postgres <connection string>)");
                return 0;
            }
            var schema = $"bench_{Guid.NewGuid():N}"[..20];
            await ExecAsync(postgres, $"CREATE SCHEMA {schema}");
            try
            {
                var scoped = new NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema, MaxPoolSize = 64 }.ConnectionString;
                await using var pg = new PostgresGrainStore(scoped);
                await pg.MigrateAsync();
                Print("postgres_select1_per_s_16_connections", await RoundTripsPerSecondAsync(scoped, duration));
                Print("postgres_store_writes_per_s_16_keys", await StoreWritesPerSecondAsync(pg, duration));
                Print("postgres_silo_start_ms", await SiloStartMillisecondsAsync(pg));
                Print("postgres_grain_writes_per_s_16_keys", await GrainWritesPerSecondAsync(pg, duration));
                Print("postgres_jobs_per_s_4_workers", await JobsPerSecondAsync(pg, 4000));
                Print("postgres_jobs_per_s_4_workers_prefetch_60", await JobsPerSecondAsync(pg, 4000, prefetch: 60));
                await using var enqueuer = new PostgresGrainStore(scoped);
                var (p50, p99) = await NotifyLatencyAsync(pg, enqueuer, 200);
                Print("postgres_enqueue_to_start_p50_ms", p50);
                Print("postgres_enqueue_to_start_p99_ms", p99);
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await ExecAsync(postgres, $"DROP SCHEMA {schema} CASCADE");
            }
            return 0;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Machine baseline: the round trips PostgreSQL answers at all (SELECT 1 on 16 connections).</summary>
    private static async Task<double> RoundTripsPerSecondAsync(string connectionString, TimeSpan duration)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, Keys).Select(_ => Task.Run(async () =>
        {
            var n = 0;
            while (clock.Elapsed < duration)
            {
                await using var cmd = source.CreateCommand("SELECT 1");
                await cmd.ExecuteScalarAsync();
                n++;
            }
            return n;
        })));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Baseline: raw CAS writes through the store, no grain layer.</summary>
    private static async Task<double> StoreWritesPerSecondAsync(IGrainStore store, TimeSpan duration)
    {
        var prefix = Guid.NewGuid().ToString("N")[..6];
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, Keys).Select(k => Task.Run(async () =>
        {
            var id = new GrainStateId("bench-raw", $"{prefix}-{k}", "c");
            long? version = null;
            var writes = 0;
            while (clock.Elapsed < duration)
            {
                version = await store.WriteStateAsync(id, $$"""{"count":{{writes}}}""", version, [], DateTimeOffset.UnixEpoch);
                writes++;
            }
            return writes;
        })));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> GrainWritesPerSecondAsync(IGrainStore store, TimeSpan duration)
    {
        using var silo = await StartSiloAsync(store);
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var prefix = Guid.NewGuid().ToString("N")[..6];
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, Keys).Select(k => Task.Run(async () =>
        {
            var grain = grains.GetGrain<IBenchCounterGrain>($"{prefix}-{k}");
            var writes = 0;
            while (clock.Elapsed < duration) writes = await grain.Add(1);
            return writes;
        })));
        var rate = counts.Sum() / clock.Elapsed.TotalSeconds;
        await silo.StopAsync();
        return rate;
    }

    /// <summary>From building an Orleans silo host to its first answered grain call (the median of three starts).</summary>
    private static async Task<double> SiloStartMillisecondsAsync(IGrainStore store)
    {
        var starts = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            using var silo = await StartSiloAsync(store);
            await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IBenchCounterGrain>($"start-{Guid.NewGuid():N}").Add(1);
            starts.Add(clock.Elapsed.TotalMilliseconds);
            await silo.StopAsync();
        }
        starts.Sort();
        return starts[1];
    }

    /// <summary>One Orleans silo (localhost clustering on a free port) over <paramref name="store"/>, started.</summary>
    private static async Task<IHost> StartSiloAsync(IGrainStore store, Action<SiloJobs>? jobs = null, Action<JobWorkerParticipant>? beforeStart = null)
    {
        var builder = Host.CreateApplicationBuilder();
        // Orleans' start-up notes (ServerGC, a spurious watchdog warning) would bury the figures.
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: 0).AddL402Runtime(store);
            if (jobs is not null) silo.Services.AddJobs((set, _) => jobs(set));
        });
        var host = builder.Build();
        beforeStart?.Invoke(host.Services.GetRequiredService<JobWorkerParticipant>());
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<double> JobsPerSecondAsync(IGrainStore store, int jobs, int prefetch = 4)
    {
        var type = $"bench-{Guid.NewGuid():N}"[..14];
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) => await store.EnqueueAsync(JobRequest.Create(type, $"j{i}", i), DateTimeOffset.UtcNow.AddDays(-1), ct));
        var done = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var silo = await StartSiloAsync(store,
            set => set.AddJobHandler(type, (_, _) => Task.CompletedTask).Configure(o => (o.Jobs.Concurrency, o.Jobs.Prefetch) = (4, prefetch)),
            workers => workers.JobFinished += o =>
            {
                if (o.Kind == JobOutcomeKind.Completed && Interlocked.Increment(ref done) == jobs) all.TrySetResult();
            });
        // The workers start once the silo is Active; time from there (the silo's own start-up is
        // its own figure), counting only the jobs finished after the clock started.
        var clock = Stopwatch.StartNew();
        var before = Volatile.Read(ref done);
        await all.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var rate = (jobs - before) / clock.Elapsed.TotalSeconds;
        await silo.StopAsync();
        return rate;
    }

    /// <summary>Jobs enqueued through another connection pool, so the worker learns of them only by pg_notify (or its 1 s poll).</summary>
    private static async Task<(double P50, double P99)> NotifyLatencyAsync(IGrainStore worker, IGrainStore enqueuer, int samples)
    {
        var type = $"lat-{Guid.NewGuid():N}"[..12];
        var started = new ConcurrentDictionary<string, long>();
        TaskCompletionSource? next = null;
        using var silo = await StartSiloAsync(worker, set => set.AddJobHandler(type, (job, _) =>
        {
            started[job.UniqueKey] = Stopwatch.GetTimestamp();
            next?.TrySetResult();
            return Task.CompletedTask;
        }));
        var latencies = new List<double>(samples);
        for (var i = 0; i < samples + 10; i++)
        {
            next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var key = $"l{i}";
            var before = Stopwatch.GetTimestamp();
            await enqueuer.EnqueueAsync(JobRequest.Create(type, key, i), DateTimeOffset.UtcNow);
            await next.Task.WaitAsync(TimeSpan.FromSeconds(10));
            if (i >= 10) latencies.Add(Stopwatch.GetElapsedTime(before, started[key]).TotalMilliseconds); // first 10 warm up
        }
        await silo.StopAsync();
        latencies.Sort();
        return (latencies[latencies.Count / 2], latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1]);
    }
}
