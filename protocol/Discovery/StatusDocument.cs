using System.Text.Json.Serialization;

namespace L402Train.Protocol.Discovery;

/// <summary>
/// <c>GET /status.json</c>: what an agent polls to learn whether the coordinator is live, what it offers and at
/// what price (the seed's discovery pseudo-code reads <c>coordinator.status</c>, <c>coordinator.url</c>,
/// <c>code_repository</c> and <c>phases</c>).
/// </summary>
/// <param name="Coordinator">This coordinator.</param>
/// <param name="Phases">Each track and whether it is live here.</param>
/// <param name="CodeRepository">Where the code is published; null until it is.</param>
/// <param name="Tracks">Prices and state of each track this coordinator serves.</param>
public sealed record StatusDocument(
    [property: JsonPropertyName("coordinator")] CoordinatorInfo Coordinator,
    [property: JsonPropertyName("phases"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<PhaseInfo> Phases,
    [property: JsonPropertyName("code_repository"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? CodeRepository,
    [property: JsonPropertyName("tracks")] TracksInfo Tracks);

/// <summary>The coordinator as <c>/status.json</c> describes it.</summary>
/// <param name="Status"><c>online</c> (this silo is Active in its cluster) or <c>degraded</c>.</param>
/// <param name="Url">The base URL agents call.</param>
/// <param name="Version">The build's version.</param>
/// <param name="Roles">The roles of the silo that answered.</param>
public sealed record CoordinatorInfo(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles);

/// <summary>One phase (a track) and its state on this coordinator.</summary>
/// <param name="Phase">Its name.</param>
/// <param name="Track"><c>training</c> or <c>autoresearch</c>.</param>
/// <param name="Status"><c>live</c> when this coordinator serves it, else <c>planned</c>.</param>
/// <param name="Description">What it is.</param>
public sealed record PhaseInfo(
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("track")] string Track,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("description")] string Description);

/// <summary>The tracks of <c>/status.json</c>; a track this coordinator does not serve is absent.</summary>
/// <param name="Training">The training track.</param>
/// <param name="Bounties">The bounty track.</param>
public sealed record TracksInfo(
    [property: JsonPropertyName("training")] TrainingTrackInfo? Training,
    [property: JsonPropertyName("bounties")] BountyTrackInfo? Bounties);

/// <summary>The training track's prices and current round.</summary>
/// <param name="Round">The round accepting gradients (null before the run starts).</param>
/// <param name="RoundStatus">Its status.</param>
/// <param name="PriceSats">The price of <c>GET /checkpoint</c>.</param>
/// <param name="DepositSats">The hold deposit of <c>PUT /gradient</c>.</param>
/// <param name="BaseRateSats">The reward of a contribution of full quality.</param>
/// <param name="RoundBudgetSats">The most paid in one round.</param>
public sealed record TrainingTrackInfo(
    [property: JsonPropertyName("round")] int? Round,
    [property: JsonPropertyName("round_status")] string? RoundStatus,
    [property: JsonPropertyName("price_sats")] long PriceSats,
    [property: JsonPropertyName("deposit_sats")] long DepositSats,
    [property: JsonPropertyName("base_rate_sats")] long BaseRateSats,
    [property: JsonPropertyName("round_budget_sats")] long RoundBudgetSats);

/// <summary>The bounty track's prices and how many bounties are open.</summary>
/// <param name="Active">Funded bounties accepting submissions.</param>
/// <param name="PriceSats">The price of <c>GET /bounty/{id}</c>.</param>
/// <param name="DepositSats">The hold deposit of <c>POST /bounty/{id}/submit</c>.</param>
public sealed record BountyTrackInfo(
    [property: JsonPropertyName("active")] int Active,
    [property: JsonPropertyName("price_sats")] long PriceSats,
    [property: JsonPropertyName("deposit_sats")] long DepositSats);
