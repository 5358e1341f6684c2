using System.Text.Json.Serialization;

namespace L402Train.Protocol.Bounties;

/// <summary>The paid body of <c>GET /bounty/{id}</c>: everything an agent needs to work on the current best.</summary>
/// <param name="Id">The bounty's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Description">What the sponsor wants, in prose.</param>
/// <param name="Metric">What is scored.</param>
/// <param name="Direction"><c>maximize</c> or <c>minimize</c>.</param>
/// <param name="Status"><c>awaiting_funding</c>, <c>active</c> or <c>closed</c>.</param>
/// <param name="EvalCommand">The command that prints the score (run in the sandbox on the public and held-out sets).</param>
/// <param name="TargetFiles">The files (globs) a diff may touch.</param>
/// <param name="Version">The version the archive holds; submissions are made against it.</param>
/// <param name="BestScore">The current best held-out score (coarsened while open).</param>
/// <param name="BaselineTarball">The current best tree (code and public eval set under <c>public/</c>): base64 tar.gz.</param>
/// <param name="MinImprovement">The least improvement that is rewarded.</param>
/// <param name="RateSatsPerUnit">Reward per unit of improvement.</param>
/// <param name="RemainingSats">What is left of the pool.</param>
/// <param name="MaxDiffBytes">The largest diff accepted.</param>
/// <param name="ForbiddenPatterns">Text a diff must not add.</param>
/// <param name="EvalTimeoutS">Wall-clock limit of one eval run.</param>
/// <param name="EvalMemoryMb">Memory limit of one eval run.</param>
/// <param name="Repeats">Runs per eval (the median counts).</param>
/// <param name="Deadline">When the bounty closes.</param>
/// <param name="HeldOutHash">SHA-256 of the held-out tarball.</param>
/// <param name="CoordinatorFeePct">The coordinator's share of each reward, percent.</param>
/// <param name="BaselineScore">The baseline's held-out score (coarsened while open).</param>
/// <param name="ClosedReason">Why the bounty closed, once it has.</param>
public sealed record BountyDetail(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("direction")] string Direction,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("eval_command")] string EvalCommand,
    [property: JsonPropertyName("target_files")] IReadOnlyList<string> TargetFiles,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("best_score")] double? BestScore,
    [property: JsonPropertyName("baseline_tarball")] string BaselineTarball,
    [property: JsonPropertyName("min_improvement")] double MinImprovement,
    [property: JsonPropertyName("rate_sats_per_unit")] long RateSatsPerUnit,
    [property: JsonPropertyName("remaining_sats")] long RemainingSats,
    [property: JsonPropertyName("max_diff_bytes")] long MaxDiffBytes,
    [property: JsonPropertyName("forbidden_patterns")] IReadOnlyList<string>? ForbiddenPatterns,
    [property: JsonPropertyName("eval_timeout_s")] int EvalTimeoutS,
    [property: JsonPropertyName("eval_memory_mb")] int EvalMemoryMb,
    [property: JsonPropertyName("repeats")] int Repeats,
    [property: JsonPropertyName("deadline")] DateTimeOffset Deadline,
    [property: JsonPropertyName("held_out_hash")] string HeldOutHash,
    [property: JsonPropertyName("coordinator_fee_pct")] decimal CoordinatorFeePct,
    [property: JsonPropertyName("baseline_score")] double? BaselineScore,
    [property: JsonPropertyName("closed_reason")] string? ClosedReason)
{
    /// <summary>Least valid score: a run printing less fails (null: any finite score).</summary>
    [JsonPropertyName("score_min")]
    public double? ScoreMin { get; init; }

    /// <summary>Greatest valid score: a run printing more fails (null: any finite score).</summary>
    [JsonPropertyName("score_max")]
    public double? ScoreMax { get; init; }

    /// <summary>The score at which the bounty closes (its goal is met); null: it runs to its deadline or pool.</summary>
    [JsonPropertyName("target_improvement")]
    public double? TargetImprovement { get; init; }
}
