using L402Train.Runtime;

namespace L402Train.Grains.Workers;

/// <summary>One agent in the coordinator's index: its latest accepted registration, as posted.</summary>
/// <param name="NodePubkey">The signing node's public key (hex): the agent's identity.</param>
/// <param name="TokenId">The number the index gave it when it first registered.</param>
/// <param name="RegistrationJson">The signed registration document (JSON).</param>
/// <param name="RegistrationUrl">Where the agent serves it.</param>
/// <param name="SignedAt">The registration's <c>signature.signed_at</c>.</param>
/// <param name="CreatedAt">When it first registered.</param>
/// <param name="UpdatedAt">When it last refreshed.</param>
[GenerateSerializer, Immutable, Alias("l402.AgentEntry")]
public sealed record AgentEntry(
    string NodePubkey, long TokenId, string RegistrationJson, string RegistrationUrl, DateTimeOffset SignedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>The index: agents by node key.</summary>
[GenerateSerializer, Alias("l402.AgentIndexState")]
internal sealed record AgentIndexState
{
    /// <summary>Agents by node public key (hex).</summary>
    [Id(0)] public Dictionary<string, AgentEntry> Agents { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The next token id to give.</summary>
    [Id(1)] public long NextTokenId { get; init; } = 1;
}

/// <summary>How a registration was taken.</summary>
[GenerateSerializer, Alias("l402.AgentRegistrationOutcome")]
public enum AgentRegistrationOutcome
{
    /// <summary>New agent.</summary>
    Created,
    /// <summary>An agent already listed refreshed its entry.</summary>
    Refreshed,
    /// <summary>The index holds a registration signed later than this one (a replay): refused.</summary>
    Outdated,
}

/// <summary>The agent index of a coordinator (<c>POST /api/v1/agents</c>, <c>GET /api/v1/public/agents</c>); one instance, key <see cref="Key"/>.</summary>
[Alias("l402.IAgentIndexGrain")]
public interface IAgentIndexGrain : IGrainWithStringKey
{
    /// <summary>The key of the one instance.</summary>
    const string Key = "agents";

    /// <summary>
    /// Lists or refreshes an agent whose registration the gateway has verified, and drops entries not
    /// refreshed since <paramref name="expiredBefore"/>. A registration signed earlier than the one on file is refused.
    /// </summary>
    Task<(AgentRegistrationOutcome Outcome, AgentEntry Entry)> RegisterAsync(string nodePubkey, string registrationJson, string registrationUrl, DateTimeOffset signedAt, DateTimeOffset expiredBefore);

    /// <summary>Every entry refreshed at or after <paramref name="expiredBefore"/>, most recently refreshed first.</summary>
    Task<IReadOnlyList<AgentEntry>> ListAsync(DateTimeOffset expiredBefore);
}

/// <inheritdoc cref="IAgentIndexGrain"/>
[GrainType("agent-index")]
internal sealed class AgentIndexGrain([PersistentState("index")] IPersistentState<AgentIndexState> index) : OutboxGrain, IAgentIndexGrain
{
    /// <inheritdoc/>
    public async Task<(AgentRegistrationOutcome Outcome, AgentEntry Entry)> RegisterAsync(
        string nodePubkey, string registrationJson, string registrationUrl, DateTimeOffset signedAt, DateTimeOffset expiredBefore)
    {
        var now = TimeProvider.GetUtcNow();
        var agents = new Dictionary<string, AgentEntry>(index.State.Agents.Where(a => a.Value.UpdatedAt >= expiredBefore), StringComparer.Ordinal);
        var nextToken = index.State.NextTokenId;
        AgentRegistrationOutcome outcome;
        AgentEntry entry;
        if (index.State.Agents.TryGetValue(nodePubkey, out var known))
        {
            if (signedAt < known.SignedAt) return (AgentRegistrationOutcome.Outdated, known);
            entry = known with { RegistrationJson = registrationJson, RegistrationUrl = registrationUrl, SignedAt = signedAt, UpdatedAt = now };
            // An entry that expired and comes back keeps its number but starts a new listing.
            if (known.UpdatedAt < expiredBefore) entry = entry with { CreatedAt = now };
            outcome = AgentRegistrationOutcome.Refreshed;
        }
        else
        {
            entry = new AgentEntry(nodePubkey, nextToken++, registrationJson, registrationUrl, signedAt, now, now);
            outcome = AgentRegistrationOutcome.Created;
        }
        agents[nodePubkey] = entry;
        index.State = new AgentIndexState { Agents = agents, NextTokenId = nextToken };
        await index.WriteStateAsync();
        return (outcome, entry);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<AgentEntry>> ListAsync(DateTimeOffset expiredBefore) =>
        Task.FromResult<IReadOnlyList<AgentEntry>>([.. index.State.Agents.Values.Where(a => a.UpdatedAt >= expiredBefore).OrderByDescending(a => a.UpdatedAt).ThenBy(a => a.TokenId)]);
}
