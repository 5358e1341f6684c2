using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>Rounds are integer-keyed grains whose rows keep the decimal string key they had before.</summary>
public sealed class IntegerKeyedRoundTests
{
    [Fact]
    public async Task A_round_row_stored_under_its_string_key_loads_and_is_written_back_under_it()
    {
        var store = new MemoryGrainStore();
        var id = new GrainStateId("round", "7", "round");
        // As the string-keyed round grain wrote it.
        await store.WriteStateAsync(id, """{"number":7,"status":0,"baseVersion":3,"baseCheckpoint":"c3","submissions":[]}""", null, [], DateTimeOffset.UnixEpoch);
        await using var cluster = await TestCluster.StartAsync(store, 1,
            silo => silo.UseServices(new ServiceCollection().AddSingleton(new RewardSchedule())));
        var round = cluster.GrainFactory().GetGrain<IRoundGrain>(7);

        var state = await round.GetAsync();
        Assert.Equal((7, 3, "c3"), (state.Number, state.BaseVersion, state.BaseCheckpoint));

        await round.CloseAsync();
        Assert.Equal(2, (await store.ReadStateAsync(id))!.Version);
        Assert.Equal(RoundStatus.Closing, (await round.GetAsync()).Status);
        Assert.NotNull(await store.FindJobAsync(TrainingJobTypes.AggregateRound, "7"));
    }

    [Fact]
    public void Integer_keys_map_to_decimal_row_keys_and_string_keys_stay_as_written()
    {
        var keys = GrainKeys.Scan(typeof(RoundGrain).Assembly);

        Assert.Equal(new GrainStateId("round", "12", "round"), keys.StateId(GrainId.Create(GrainType.Create("round"), GrainIdKeyExtensions.CreateIntegerKey(12)), "round"));
        Assert.Equal(new GrainStateId("peer", "12", "peer"), keys.StateId(GrainId.Create("peer", "12"), "peer"));
    }
}
