using L402Train.Grains.Runtime;
using L402Train.Testing;

namespace L402Train.Grains.Tests.Runtime;

public sealed class GrainTests
{
    private static void Grains(SiloBuilder silo) => silo
        .AddGrain<ICounterGrain, CounterGrain>()
        .AddGrain<ILedgerGrain, LedgerGrain>()
        .AddGrain<IEffectGrain, EffectGrain>()
        .Configure(o => o.MaxTurnAttempts = 1000);

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Three_silos_with_a_thousand_concurrent_increments_each_count_exactly_three_thousand(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 3, Grains);

        var calls = Enumerable.Range(0, 3).SelectMany(s => Enumerable.Range(0, 1000)
            .Select(_ => cluster.GrainFactory(s).GetGrain<ICounterGrain>("hot").Add(1))).ToArray();
        await Task.WhenAll(calls);

        await cluster.RestartSiloAsync(0);
        Assert.Equal(3000, await cluster.GrainFactory(0).GetGrain<ICounterGrain>("hot").Get());
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_silo_never_answers_from_a_copy_another_silo_has_overwritten(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 2, Grains);
        var onFirst = cluster.GrainFactory(0).GetGrain<ICounterGrain>("shared");
        var onSecond = cluster.GrainFactory(1).GetGrain<ICounterGrain>("shared");

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
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 1, Grains);
        await cluster.GrainFactory().GetGrain<ICounterGrain>("a").Add(5);

        cluster.KillSilo(0);
        await cluster.RestartSiloAsync(0);

        Assert.Equal(7, await cluster.GrainFactory().GetGrain<ICounterGrain>("a").Add(2));
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_lost_race_drops_the_turns_jobs_and_reruns_it_on_fresh_state(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 2, Grains);
        var onA = cluster.GrainFactory(0).GetGrain<ILedgerGrain>("l");
        var onB = cluster.GrainFactory(1).GetGrain<ILedgerGrain>("l");

        Assert.Equal(1, await onA.Record("a1"));
        Assert.Equal(2, await onB.Record("b1"));
        // Silo 0 still caches entries=1: its first run computes 2, loses the CAS, and is re-run at 3.
        Assert.Equal(3, await onA.Record("a2"));

        Assert.Null(await cluster.Store.FindJobAsync("noted", "a2@2"));
        Assert.NotNull(await cluster.Store.FindJobAsync("noted", "a2@3"));
        Assert.NotNull(await cluster.Store.FindJobAsync("noted", "b1@2"));
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Corrupted_state_names_the_grain_and_is_never_reset(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 1, Grains);
        await cluster.GrainFactory().GetGrain<ICounterGrain>("broken").Add(1);
        cluster.KillSilo(0);
        await StoreKinds.CorruptAsync(scratch.Store, new GrainStateId("counter", "broken", "counter"), """{"count":"not a number"}""");
        await cluster.RestartSiloAsync(0);

        var error = await Assert.ThrowsAsync<CorruptedStateException>(() => cluster.GrainFactory().GetGrain<ICounterGrain>("broken").Add(1));

        Assert.Contains("counter/'broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a number", (await scratch.Store.ReadStateAsync(error.Id))!.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_turn_leaves_no_half_changed_state_in_memory()
    {
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, Grains);
        var counter = cluster.GrainFactory().GetGrain<ICounterGrain>("c");
        await counter.Add(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => counter.AddThenFail(100));

        Assert.Equal(1, await counter.Get());
    }

    [Fact]
    public async Task Calls_to_one_grain_run_one_turn_at_a_time()
    {
        var probe = new TurnProbe();
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1,
            s => s.AddGrain<IProbeGrain, ProbeGrain>().UseServices(new SingleService(probe)));
        var grain = cluster.GrainFactory().GetGrain<IProbeGrain>("p");

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(grain.Touch)));

        Assert.Equal(1, probe.MaxInside);
    }

    [Fact]
    public async Task A_call_cycle_back_into_a_busy_grain_fails_fast_instead_of_deadlocking()
    {
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 2, s => s.AddGrain<ILoopGrain, LoopGrain>());
        var a = cluster.GrainFactory(0).GetGrain<ILoopGrain>("a");

        Assert.Equal("b", await a.Ping("b", 1));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => a.Ping("b", 2));

        Assert.Contains("LoopGrain/a -> LoopGrain/b -> LoopGrain/a would deadlock", error.Message, StringComparison.Ordinal);
        Assert.Equal("b", await cluster.GrainFactory(1).GetGrain<ILoopGrain>("a").Ping("b", 1));
    }

    [Fact]
    public async Task Idle_activations_are_deactivated_on_the_clock()
    {
        var clock = new FakeTimeProvider();
        var probe = new TurnProbe();
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, s => s
            .AddGrain<IProbeGrain, ProbeGrain>().UseServices(new SingleService(probe))
            .Configure(o => (o.IdleDeactivationAfter, o.IdleCollectionInterval) = (TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1))), clock);
        var silo = cluster.Silo(0);
        await silo.GrainFactory.GetGrain<IProbeGrain>("one").Touch();
        await silo.GrainFactory.GetGrain<IProbeGrain>("two").Touch();

        clock.Advance(TimeSpan.FromMinutes(5));
        await silo.GrainFactory.GetGrain<IProbeGrain>("two").Touch();
        clock.Advance(TimeSpan.FromMinutes(6));
        await silo.CollectIdleActivationsAsync();

        Assert.Equal(1, silo.ActivationCount);
        Assert.Equal(1, probe.Deactivations);
    }

    [Fact]
    public async Task Incoming_call_filters_wrap_every_call()
    {
        var filter = new RecordingFilter();
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, s => Grains(s.AddIncomingGrainCallFilter(filter)));

        await cluster.GrainFactory().GetGrain<ICounterGrain>("f").Add(2);

        Assert.Equal(["counter/f.Add -> 2"], filter.Calls);
    }

    private sealed class RecordingFilter : IIncomingGrainCallFilter
    {
        public List<string> Calls { get; } = [];

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            await context.Invoke();
            Calls.Add($"{context.GrainType}/{context.Key}.{context.InterfaceMethod.Name} -> {context.Result}");
        }
    }
}
