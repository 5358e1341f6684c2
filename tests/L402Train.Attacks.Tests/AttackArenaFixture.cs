using L402Train.Attacks.Arena;
using Xunit;

namespace L402Train.Attacks.Tests;

/// <summary>One silo and one shipped bounty shared by every attack (they run one after another: the leader and stale-base attacks depend on the order of merges).</summary>
public sealed class AttackArenaFixture : IAsyncLifetime
{
    private AttackArena? arena;

    public AttackArena Arena => arena ?? throw new InvalidOperationException("the arena has not started");

    public async ValueTask InitializeAsync() => arena = await AttackArena.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (arena is not null) await arena.DisposeAsync();
    }
}
