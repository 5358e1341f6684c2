using L402Train.Runtime;

namespace L402Train.Grains.Bounties.Catalog;

/// <summary>The list of every bounty id, for <c>GET /bounties</c>; one grain keyed <see cref="BountyIndexGrain.AllKey"/>.</summary>
[Alias("l402.IBountyIndexGrain")]
public interface IBountyIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds an id (idempotent).</summary>
    Task AddAsync(string bountyId);

    /// <summary>Every id in posting order.</summary>
    Task<IReadOnlyList<string>> ListAsync();

    /// <summary>Removes an id (idempotent): the retention job forgets bounties whose funding expired unpaid.</summary>
    Task RemoveAsync(string bountyId);
}

/// <summary>The index's state.</summary>
public sealed record BountyIndexState
{
    /// <summary>Bounty ids in posting order.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];
}

/// <inheritdoc cref="IBountyIndexGrain"/>
[GrainType("bounty-index")]
public sealed class BountyIndexGrain([PersistentState("index")] IPersistentState<BountyIndexState> index) : OutboxGrain, IBountyIndexGrain
{
    /// <summary>The key of the one index.</summary>
    public const string AllKey = "all";

    /// <inheritdoc/>
    public async Task AddAsync(string bountyId)
    {
        if (index.State.Ids.Contains(bountyId)) return;
        index.State = index.State with { Ids = [.. index.State.Ids, bountyId] };
        await index.WriteStateAsync();
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult(index.State.Ids);

    /// <inheritdoc/>
    public async Task RemoveAsync(string bountyId)
    {
        if (!index.State.Ids.Contains(bountyId)) return;
        index.State = index.State with { Ids = [.. index.State.Ids.Where(id => id != bountyId)] };
        await index.WriteStateAsync();
    }
}
