using L402Train.Runtime;

namespace L402Train.Grains.Tests.Runtime;

public sealed class StateStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static GrainStateId Id(string key = "k") => new("thing", key, "state");

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Stale_etag_write_is_refused_and_changes_nothing(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        Assert.Equal(1, await store.WriteStateAsync(Id(), """{"n":1}""", null, [], Now));
        Assert.Equal(2, await store.WriteStateAsync(Id(), """{"n":2}""", 1, [], Now));

        var stale = await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteStateAsync(Id(), """{"n":99}""", 1, [], Now));

        Assert.Equal(Id(), stale.Id);
        var stored = await store.ReadStateAsync(Id());
        Assert.Equal(2, stored!.Version);
        Assert.Contains("2", stored.Json, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task First_write_race_yields_exactly_one_row(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        var writers = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.WriteStateAsync(Id("race"), $$"""{"writer":{{i}}}""", null, [], Now);
                return i;
            }
            catch (InconsistentStateException)
            {
                return -1;
            }
        })).ToArray();
        var winners = (await Task.WhenAll(writers)).Where(w => w >= 0).ToList();

        var winner = Assert.Single(winners);
        var stored = await store.ReadStateAsync(Id("race"));
        Assert.Equal(1, stored!.Version);
        Assert.Contains($"{winner}", stored.Json, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Clear_leaves_a_versioned_tombstone_so_stale_writers_still_lose(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        await store.WriteStateAsync(Id(), """{"n":1}""", null, [], Now);
        Assert.Equal(2, await store.WriteStateAsync(Id(), null, 1, [], Now));

        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteStateAsync(Id(), """{"n":5}""", null, [], Now));
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteStateAsync(Id(), """{"n":5}""", 1, [], Now));
        var stored = await store.ReadStateAsync(Id());
        Assert.Equal(new StoredGrainState(null, 2), stored);
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Jobs_of_a_write_that_loses_its_race_are_not_enqueued(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        await store.WriteStateAsync(Id(), """{"n":1}""", null, [JobRequest.Create("pay", "first", 1)], Now);
        await store.WriteStateAsync(Id(), """{"n":2}""", 1, [], Now);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            store.WriteStateAsync(Id(), """{"n":3}""", 1, [JobRequest.Create("pay", "lost", 3)], Now));

        Assert.NotNull(await store.FindJobAsync("pay", "first"));
        Assert.Null(await store.FindJobAsync("pay", "lost"));
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Enqueue_with_an_existing_unique_key_is_a_no_op(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;

        Assert.True(await store.EnqueueAsync(JobRequest.Create("settle", "hash-1", new { amount = 1 }), Now));
        Assert.False(await store.EnqueueAsync(JobRequest.Create("settle", "hash-1", new { amount = 2 }), Now));
        Assert.True(await store.EnqueueAsync(JobRequest.Create("cancel", "hash-1", new { amount = 3 }), Now));

        var job = await store.FindJobAsync("settle", "hash-1");
        Assert.Contains("1", job!.PayloadJson, StringComparison.Ordinal);
        Assert.Equal(JobState.Available, job.State);
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Migrations_are_idempotent_and_safe_to_race(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => scratch.Store.MigrateAsync()));
        await scratch.Store.MigrateAsync();

        await scratch.Store.CheckHealthAsync();
    }
}
