using System.Text.Json.Serialization;

namespace L402Train.Protocol.Bounties;

/// <summary>One bounty of the JSON array <c>GET /bounties?status=</c> answers (public). <c>best_score</c> and <c>best_improvement</c> are always present (null before any score).</summary>
/// <param name="Id">The bounty's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Metric">What is scored (<c>accuracy</c>, <c>latency_ms</c>, …).</param>
/// <param name="Direction"><c>maximize</c> or <c>minimize</c>.</param>
/// <param name="Status"><c>awaiting_funding</c>, <c>active</c> or <c>closed</c>.</param>
/// <param name="TotalSats">The pool the sponsor funded.</param>
/// <param name="RemainingSats">What is left of it.</param>
/// <param name="BestScore">The current best held-out score (coarsened while the bounty is open).</param>
/// <param name="Version">The current version of the tree (each accepted improvement adds one).</param>
/// <param name="Deadline">When the bounty closes.</param>
/// <param name="HeldOutHash">SHA-256 of the held-out tarball, published at creation.</param>
/// <param name="SubmissionsCount">Submissions filed so far.</param>
/// <param name="BestImprovement">How far the best is ahead of the baseline in the metric's direction (coarsened while open); null before the baseline is scored.</param>
public sealed record BountySummary(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("direction")] string Direction,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("total_sats")] long TotalSats,
    [property: JsonPropertyName("remaining_sats")] long RemainingSats,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never), JsonPropertyName("best_score")] double? BestScore,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("deadline")] DateTimeOffset Deadline,
    [property: JsonPropertyName("held_out_hash")] string HeldOutHash,
    [property: JsonPropertyName("submissions_count")] int SubmissionsCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never), JsonPropertyName("best_improvement")] double? BestImprovement)
{
    /// <summary>σ of the baseline's held-out reruns at activation (the eval's noise); null until measured.</summary>
    [JsonPropertyName("noise_sigma")]
    public double? NoiseSigma { get; init; }

    /// <summary>What a submission's held-out improvement must clear now: max(min_improvement, 2σ, leader threshold).</summary>
    [JsonPropertyName("required_improvement")]
    public double RequiredImprovement { get; init; }
}
