using L402Train.Runtime;
using L402Train.Testing;
using Orleans.Configuration;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>
/// Grains on several Orleans silos over one store. What Orleans guarantees by itself (one turn at a
/// time, call filters, idle collection) is not re-tested here; the outbox storage's own guarantees
/// are in <see cref="OutboxGrainStorageTests"/>.
/// </summary>
public sealed class GrainTests
{
    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Three_silos_with_a_thousand_concurrent_increments_each_count_exactly_three_thousand(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        // One activation commits the 3,000 writes one after the other (~3 ms each on PostgreSQL, more
        // on a loaded machine): the last calls wait in its queue longer than Orleans' default 30 s.
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 3, silo => silo
            .ConfigureOrleans(s => s.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(3))));

        var calls = Enumerable.Range(0, 3).SelectMany(s => Enumerable.Range(0, 1000)
            .Select(_ => cluster.GrainFactory(s).GetGrain<IOutboxCounterGrain>("hot").Add(1))).ToArray();
        await Task.WhenAll(calls);

        Assert.Equal(3000, await cluster.GrainFactory(1).GetGrain<IOutboxCounterGrain>("hot").Get());
        Assert.Equal(3000, (await scratch.Store.ReadStateAsync(new GrainStateId("counter", "hot", "counter")))!.Version);
        Assert.NotNull(await scratch.Store.FindJobAsync("counted", "hot@3000"));
    }

    [Fact]
    public async Task A_silo_never_answers_from_a_copy_another_silo_has_overwritten()
    {
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 2, _ => { });
        var onFirst = cluster.GrainFactory(0).GetGrain<IOutboxCounterGrain>("shared");
        var onSecond = cluster.GrainFactory(1).GetGrain<IOutboxCounterGrain>("shared");

        await onFirst.Add(1);
        Assert.Equal(1, await onSecond.Get());
        await onFirst.Add(10);

        Assert.Equal(11, await onSecond.Get());
        Assert.Equal(12, await onSecond.Add(1));
        Assert.Equal(12, await onFirst.Get());
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task State_survives_a_silo_restart(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 1, _ => { });
        await cluster.GrainFactory(0).GetGrain<IOutboxCounterGrain>("a").Add(5);

        await cluster.KillSiloAsync(0);
        await cluster.RestartSiloAsync(0);

        Assert.Equal(7, await cluster.GrainFactory(0).GetGrain<IOutboxCounterGrain>("a").Add(2));
    }
}
