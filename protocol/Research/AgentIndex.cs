using System.Text.Json.Serialization;

namespace L402Train.Protocol.Research;

/// <summary>
/// The body of <c>POST /api/v1/agents</c> on the coordinator: a signed registration and where it is served.
/// Posting again refreshes the entry (entries expire unless refreshed).
/// </summary>
/// <param name="Registration">The signed document, as the worker serves it.</param>
/// <param name="RegistrationUrl">The absolute URL of the worker's <c>/.well-known/agent-registration.json</c>; defaults to the experiment endpoint's origin plus that path.</param>
public sealed record AgentSubmission(
    [property: JsonPropertyName("registration")] AgentRegistration? Registration,
    [property: JsonPropertyName("registration_url")] string? RegistrationUrl = null);

/// <summary>
/// One agent of <c>GET /api/v1/public/agents</c> (and the answer of <c>POST /api/v1/agents</c>), in 8004scan's
/// agent-summary shape with Lightning in place of the chain; the seed reads the registration from
/// <c>raw_metadata.offchain_content</c>.
/// </summary>
public sealed record IndexedAgent
{
    /// <summary>The agent's id in this index: <c>ln:</c> and its node public key.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }

    /// <summary>The agent's identity: its node public key (hex), the key its registration is signed with (the seed's <c>worker_agent_id</c>).</summary>
    [JsonPropertyName("agent_id")] public required string AgentId { get; init; }

    /// <summary>A small number this index gave the agent when it first registered (8004scan's token id).</summary>
    [JsonPropertyName("token_id")] public required long TokenId { get; init; }

    /// <summary>The Lightning network of the index's node (<c>regtest</c>, <c>simnet</c>, <c>mainnet</c>, …), in place of the chain.</summary>
    [JsonPropertyName("network")] public required string Network { get; init; }

    /// <summary>The registration's name.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>The registration's description.</summary>
    [JsonPropertyName("description")] public required string Description { get; init; }

    /// <summary>The owner: the node public key (8004scan's owner address).</summary>
    [JsonPropertyName("owner_address")] public required string OwnerAddress { get; init; }

    /// <summary>The protocols the registration names: <c>OASF</c> when it has an OASF entry, <c>L402</c> when paid.</summary>
    [JsonPropertyName("supported_protocols")] public required IReadOnlyList<string> SupportedProtocols { get; init; }

    /// <summary>The OASF skills of the registration.</summary>
    [JsonPropertyName("skills")] public required IReadOnlyList<string> Skills { get; init; }

    /// <summary>The registration's <c>best_val_bpb</c>, for ranking without opening it.</summary>
    [JsonPropertyName("best_val_bpb")] public double? BestValBpb { get; init; }

    /// <summary>Where the registration came from and the registration itself.</summary>
    [JsonPropertyName("raw_metadata")] public required AgentRawMetadata RawMetadata { get; init; }

    /// <summary>When the agent first registered.</summary>
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last refreshed its registration.</summary>
    [JsonPropertyName("updated_at")] public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the entry drops out of the list unless refreshed.</summary>
    [JsonPropertyName("expires_at")] public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>8004scan's <c>raw_metadata</c>: the off-chain registration and its URI.</summary>
/// <param name="OffchainUri">Where the worker serves the registration.</param>
/// <param name="OffchainContent">The signed registration as accepted.</param>
public sealed record AgentRawMetadata(
    [property: JsonPropertyName("offchain_uri")] string OffchainUri,
    [property: JsonPropertyName("offchain_content")] AgentRegistration OffchainContent);

/// <summary>The answer of <c>GET /api/v1/public/agents?protocol=&amp;search=&amp;limit=&amp;offset=</c>: a page of live agents, most recently refreshed first.</summary>
/// <param name="Items">The agents of this page.</param>
/// <param name="Total">Live agents that match, over all pages.</param>
/// <param name="Limit">The page size used.</param>
/// <param name="Offset">The agents skipped.</param>
public sealed record AgentList(
    [property: JsonPropertyName("items")] IReadOnlyList<IndexedAgent> Items,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("offset")] int Offset);
