using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.Protocol.Research;

/// <summary>
/// A worker's <c>/.well-known/agent-registration.json</c>: an ERC-8004 registration file (the seed's shape:
/// <c>type</c>, <c>name</c>, <c>description</c>, <c>services[]</c> with the experiment endpoint and an
/// <c>OASF</c> entry listing skills, <c>active</c>) with Lightning in place of the chain: <c>l402</c> instead of
/// <c>x402Support</c>, the price in sats, and a <see cref="Signature"/> by the worker's Lightning node key over
/// the document's canonical form (see <c>RegistrationCanonicalForm</c>). Members this record does not
/// know are kept in <see cref="Extra"/> so a signed document survives a round trip through older code.
/// </summary>
public sealed record AgentRegistration
{
    /// <summary>Always <see cref="ResearchNames.RegistrationType"/>.</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = ResearchNames.RegistrationType;

    /// <summary>The worker's display name.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>What it sells.</summary>
    [JsonPropertyName("description")] public required string Description { get; init; }

    /// <summary>An image URL, when the operator set one.</summary>
    [JsonPropertyName("image")] public string? Image { get; init; }

    /// <summary>The experiment endpoint (name <see cref="ResearchNames.ExperimentService"/>) and the <c>OASF</c> capability entry.</summary>
    [JsonPropertyName("services")] public required IReadOnlyList<AgentService> Services { get; init; }

    /// <summary>True: the services are paid over L402 (the seed's <c>x402Support</c>).</summary>
    [JsonPropertyName("l402")] public bool L402 { get; init; } = true;

    /// <summary>Whether the worker takes experiments now.</summary>
    [JsonPropertyName("active")] public bool Active { get; init; } = true;

    /// <summary>The price of one experiment in sats (also on the experiment service and in its 402).</summary>
    [JsonPropertyName("price_sats")] public required long PriceSats { get; init; }

    /// <summary>The machine that runs the experiments.</summary>
    [JsonPropertyName("hardware")] public required AgentHardware Hardware { get; init; }

    /// <summary>The lowest <c>val_bpb</c> this worker has delivered (the seed's leaderboard metadata); absent before the first.</summary>
    [JsonPropertyName("best_val_bpb")] public double? BestValBpb { get; init; }

    /// <summary>Experiments delivered so far (completed and failed).</summary>
    [JsonPropertyName("experiments_delivered")] public long ExperimentsDelivered { get; init; }

    /// <summary>The node key's signature over the canonical form; absent only while signing.</summary>
    [JsonPropertyName("signature")] public RegistrationSignature? Signature { get; init; }

    /// <summary>Members added by newer writers, kept verbatim (they are signed too).</summary>
    [JsonExtensionData] public IDictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>One entry of a registration's <c>services[]</c>.</summary>
public sealed record AgentService
{
    /// <summary><see cref="ResearchNames.ExperimentService"/> for the paid endpoint, <see cref="ResearchNames.OasfService"/> for the capability entry.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>The absolute URL (for the experiment service: where to <c>POST</c> experiments).</summary>
    [JsonPropertyName("endpoint")] public required string Endpoint { get; init; }

    /// <summary>The service's or schema's version.</summary>
    [JsonPropertyName("version")] public string? Version { get; init; }

    /// <summary>True when the endpoint is paid over L402.</summary>
    [JsonPropertyName("l402")] public bool? L402 { get; init; }

    /// <summary>The L402 mode: <c>hold</c> for experiments (paid only for delivered results).</summary>
    [JsonPropertyName("l402_mode")] public string? L402Mode { get; init; }

    /// <summary>The price of one request in sats.</summary>
    [JsonPropertyName("price_sats")] public long? PriceSats { get; init; }

    /// <summary>
    /// For the experiment service: the experiment kinds it sells, <c>trainer</c> (the built-in trainer) and <c>archive</c>
    /// (an archive and a command in the sandbox); a worker started with archives off lists only <c>trainer</c>.
    /// Absent in older registrations.
    /// </summary>
    [JsonPropertyName("experiment_kinds")] public IReadOnlyList<string>? ExperimentKinds { get; init; }

    /// <summary>OASF skills, e.g. <see cref="ResearchNames.ModelVersioningSkill"/>.</summary>
    [JsonPropertyName("skills")] public IReadOnlyList<string>? Skills { get; init; }

    /// <summary>OASF domains.</summary>
    [JsonPropertyName("domains")] public IReadOnlyList<string>? Domains { get; init; }

    /// <summary>Members added by newer writers, kept verbatim.</summary>
    [JsonExtensionData] public IDictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>The hardware a worker runs experiments on.</summary>
public sealed record AgentHardware
{
    /// <summary><c>cpu</c> or the accelerator's name.</summary>
    [JsonPropertyName("accelerator")] public required string Accelerator { get; init; }

    /// <summary>Logical processors.</summary>
    [JsonPropertyName("cpu_cores")] public required int CpuCores { get; init; }

    /// <summary>Memory available to the process in MiB.</summary>
    [JsonPropertyName("memory_mib")] public required long MemoryMib { get; init; }

    /// <summary>Operating system and architecture, e.g. <c>linux-x64</c>.</summary>
    [JsonPropertyName("platform")] public required string Platform { get; init; }

    /// <summary>Experiments run at once.</summary>
    [JsonPropertyName("concurrency")] public required int Concurrency { get; init; }

    /// <summary>Members added by newer writers, kept verbatim.</summary>
    [JsonExtensionData] public IDictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>
/// The proof that a registration comes from a Lightning node: LND's <c>signmessage</c> over the
/// document's canonical form, so <c>lncli verifymessage</c> (or <c>POST /v1/verifymessage</c>) checks it too.
/// </summary>
/// <param name="Scheme">Always <see cref="ResearchNames.SignatureScheme"/>: zbase32 of a 65-byte recoverable signature over double SHA-256 of <c>"Lightning Signed Message:"</c> ‖ message.</param>
/// <param name="NodePubkey">The signing node's public key (hex, 33 bytes compressed); the index checks the signature recovers to it.</param>
/// <param name="SignedAt">When it was signed; the index refuses a stale one.</param>
/// <param name="Value">The zbase32 signature; the one member left out of the canonical form.</param>
public sealed record RegistrationSignature(
    [property: JsonPropertyName("scheme")] string Scheme,
    [property: JsonPropertyName("node_pubkey")] string NodePubkey,
    [property: JsonPropertyName("signed_at")] DateTimeOffset SignedAt,
    [property: JsonPropertyName("value")] string? Value);
