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

    /// <summary>σ of the baseline's held-out reruns at activation (the eval's noise); null until measured (or for bounties posted before).</summary>
    [JsonPropertyName("noise_sigma")]
    public double? NoiseSigma { get; init; }

    /// <summary>How many baseline reruns per set measure the noise (<c>noise_reruns</c>).</summary>
    [JsonPropertyName("noise_reruns")]
    public int NoiseReruns { get; init; }

    /// <summary>k·σ (k = 2 by default): an improvement must exceed it to be paid.</summary>
    [JsonPropertyName("noise_floor")]
    public double NoiseFloor { get; init; }

    /// <summary>The leader threshold now: raised by the last large win, decaying back to max(noise floor, min_improvement).</summary>
    [JsonPropertyName("leader_threshold")]
    public double LeaderThreshold { get; init; }

    /// <summary>What a submission's held-out improvement must clear now: max(min_improvement, noise_floor, leader_threshold).</summary>
    [JsonPropertyName("required_improvement")]
    public double RequiredImprovement { get; init; }

    /// <summary>Percent of each reward held back until the re-evaluation on a fresh held-out slice.</summary>
    [JsonPropertyName("holdback_pct")]
    public int HoldbackPct { get; init; }

    /// <summary>Seconds after the merge the holdback's re-evaluation runs.</summary>
    [JsonPropertyName("holdback_delay_s")]
    public long HoldbackDelayS { get; init; }

    /// <summary>How far a new leader raises the bar (× its improvement); null: the coordinator's setting (a bounty posted before this was a term).</summary>
    [JsonPropertyName("leader_threshold_rise")]
    public double? LeaderThresholdRise { get; init; }

    /// <summary>Share of the raised bar's excess lost per period; null: the coordinator's setting.</summary>
    [JsonPropertyName("leader_threshold_decay")]
    public double? LeaderThresholdDecay { get; init; }

    /// <summary>Seconds per decay period; null: the coordinator's setting.</summary>
    [JsonPropertyName("leader_threshold_period_s")]
    public long? LeaderThresholdPeriodS { get; init; }
}
