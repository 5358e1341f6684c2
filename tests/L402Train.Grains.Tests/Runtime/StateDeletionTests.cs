using L402Train.Runtime;

namespace L402Train.Grains.Tests.Runtime;

public sealed class StateDeletionTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_deleted_row_is_gone_for_good_and_a_stale_writer_cannot_bring_it_back(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        var id = new GrainStateId("bounty", "b-1", "bounty");
        var other = new GrainStateId("bounty", "b-2", "bounty");
        var version = await store.WriteStateAsync(id, """{"n":1}""", null, [], Now);
        await store.WriteStateAsync(other, """{"n":2}""", null, [], Now);

        Assert.True(await store.DeleteStateAsync(id));
        Assert.False(await store.DeleteStateAsync(id));

        Assert.Null(await store.ReadStateAsync(id));
        Assert.NotNull(await store.ReadStateAsync(other));
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteStateAsync(id, """{"n":3}""", version, [], Now));
        Assert.Null(await store.ReadStateAsync(id));
    }
}
