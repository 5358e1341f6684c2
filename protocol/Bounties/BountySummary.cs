using System.Text.Json.Serialization;

namespace L402Train.Protocol.Bounties;

/// <summary>One bounty as <c>GET /bounties</c> lists it (public).</summary>
/// <param name="Id">The bounty's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Metric">What is scored (<c>accuracy</c>, <c>latency_ms</c>, …).</param>
/// <param name="Direction"><c>maximize</c> or <c>minimize</c>.</param>
/// <param name="Status"><c>awaiting_funding</c>, <c>active</c> or <c>closed</c>.</param>
/// <param name="TotalSat">The pool the sponsor funded.</param>
/// <param name="RemainingSat">What is left of it.</param>
/// <param name="BestScore">The current best held-out score (coarsened while the bounty is open).</param>
/// <param name="Version">The current version of the tree (each accepted improvement adds one).</param>
/// <param name="Deadline">When the bounty closes.</param>
/// <param name="HeldoutSha256">SHA-256 of the held-out archive, published at creation.</param>
public sealed record BountySummary(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("direction")] string Direction,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("total_sat")] long TotalSat,
    [property: JsonPropertyName("remaining_sat")] long RemainingSat,
    [property: JsonPropertyName("best_score")] double? BestScore,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("deadline")] DateTimeOffset Deadline,
    [property: JsonPropertyName("heldout_sha256")] string HeldoutSha256);

/// <summary>The body of <c>GET /bounties</c>.</summary>
/// <param name="Bounties">The bounties, oldest first.</param>
public sealed record BountyList([property: JsonPropertyName("bounties")] IReadOnlyList<BountySummary> Bounties);
