using System.Collections.Concurrent;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansInconsistentState = Orleans.Storage.InconsistentStateException;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>
/// The Orleans storage over our stores: state and the turn's jobs in one transaction, ETag
/// conflicts as Orleans' exception with none of the losing turn's jobs, failed turns leave
/// nothing, old rows load. One single-silo cluster per store kind, shared by the tests (each
/// uses its own grain keys).
/// </summary>
public sealed class OutboxGrainStorageTests(OutboxGrainStorageTests.Clusters clusters) : IClassFixture<OutboxGrainStorageTests.Clusters>
{
    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_write_commits_the_state_and_its_turns_jobs_under_the_old_row_key(string kind)
    {
        var (grains, store) = await clusters.GetAsync(kind);

        Assert.Equal(5, await grains.GetGrain<IOutboxCounterGrain>("a").Add(5));

        var row = await store.ReadStateAsync(new GrainStateId("counter", "a", "counter"));
        Assert.Equal(1, row!.Version);
        Assert.Equal(5, System.Text.Json.JsonDocument.Parse(row.Json!).RootElement.GetProperty("count").GetInt32());
        Assert.NotNull(await store.FindJobAsync("counted", "a@5"));
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_write_commits_its_turns_jobs_before_the_turn_ends(string kind)
    {
        // The guard of the outbox's one coupling to Orleans: the storage finds the turn's jobs through
        // the activation it runs on. Were that lost, the jobs would only be enqueued after the turn.
        var (grains, _) = await clusters.GetAsync(kind);

        Assert.True(await grains.GetGrain<IOutboxCounterGrain>("guard").AddAndFindJobInTheSameTurn(1));
        Assert.True(await grains.GetGrain<IOutboxCounterGrain>("guard").AddAndFindJobInTheSameTurn(1));
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_stale_write_fails_with_none_of_its_jobs_and_the_next_call_works_on_the_fresh_row(string kind)
    {
        var (grains, store) = await clusters.GetAsync(kind);
        var counter = grains.GetGrain<IOutboxCounterGrain>("stale");
        Assert.Equal(1, await counter.Add(1));
        var id = new GrainStateId("counter", "stale", "counter");
        await store.WriteStateAsync(id, """{"count":100}""", 1, [], DateTimeOffset.UnixEpoch);

        await Assert.ThrowsAsync<OrleansInconsistentState>(() => counter.Add(1));

        Assert.Null(await store.FindJobAsync("counted", "stale@2"));
        Assert.Equal(101, await counter.Add(1));
        Assert.NotNull(await store.FindJobAsync("counted", "stale@101"));
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_failed_turn_leaves_neither_its_change_in_memory_nor_its_staged_job(string kind)
    {
        var (grains, store) = await clusters.GetAsync(kind);
        var counter = grains.GetGrain<IOutboxCounterGrain>("failed");
        await counter.Add(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => counter.AddThenFail(100));

        Assert.Equal(1, await counter.Get());
        Assert.Null(await store.FindJobAsync("counted", "failed@101"));
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_turn_that_stages_a_job_without_a_write_enqueues_it_when_it_succeeds(string kind)
    {
        var (grains, store) = await clusters.GetAsync(kind);

        await grains.GetGrain<IOutboxCounterGrain>("noting").Note("hello");

        Assert.NotNull(await store.FindJobAsync("noted", "noting:hello"));
        Assert.Null((await store.ReadStateAsync(new GrainStateId("counter", "noting", "counter")))?.Json);
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_row_written_before_Orleans_loads_unchanged(string kind)
    {
        var (grains, store) = await clusters.GetAsync(kind);
        // As the home-made runtime wrote it: camelCase JSON, version 1.
        await store.WriteStateAsync(new GrainStateId("counter", "legacy", "counter"), """{"count":41}""", null, [], DateTimeOffset.UnixEpoch);

        Assert.Equal(42, await grains.GetGrain<IOutboxCounterGrain>("legacy").Add(1));
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Corrupted_state_names_the_grain_and_is_never_reset(string kind)
    {
        var (grains, store) = await clusters.GetAsync(kind);
        var id = new GrainStateId("counter", "broken", "counter");
        await store.WriteStateAsync(id, """{"count":1}""", null, [], DateTimeOffset.UnixEpoch);
        await StoreKinds.CorruptAsync(store, id, """{"count":"not a number"}""");

        var error = await Assert.ThrowsAsync<CorruptedStateException>(() => grains.GetGrain<IOutboxCounterGrain>("broken").Add(1));

        Assert.Contains("counter/'broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a number", (await store.ReadStateAsync(id))!.Json, StringComparison.Ordinal);
    }

    /// <summary>A single-silo cluster per store kind, started on first use.</summary>
    public sealed class Clusters : IAsyncLifetime
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<(InProcessTestCluster Cluster, ScratchStore Store)>>> started = new();

        public async Task<(IGrainFactory Grains, IGrainStore Store)> GetAsync(string kind)
        {
            var (cluster, scratch) = await started.GetOrAdd(kind, k => new(() => StartAsync(k))).Value;
            return (cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>(), scratch.Store);
        }

        private static async Task<(InProcessTestCluster, ScratchStore)> StartAsync(string kind)
        {
            var scratch = await StoreKinds.CreateAsync(kind);
            var builder = new InProcessTestClusterBuilder(1);
            builder.Options.InitializeClientOnDeploy = false;
            builder.ConfigureSilo((_, silo) => silo.AddL402Runtime(scratch.Store));
            var cluster = builder.Build();
            await cluster.DeployAsync();
            return (cluster, scratch);
        }

        public ValueTask InitializeAsync() => ValueTask.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            foreach (var start in started.Values)
            {
                var (cluster, scratch) = await start.Value;
                await cluster.DisposeAsync();
                await scratch.DisposeAsync();
            }
        }
    }
}
