using System.Text.Json.Serialization;

namespace L402Train.Protocol.Bounties;

/// <summary>
/// The body of <c>POST /bounties</c>: the seed's <c>{title, metric, eval_command, total_sats, deadline, held_out_hash,
/// target_improvement, baseline_tarball, held_out_tarball}</c> plus optional terms, each with a default the coordinator
/// states in the API reference. Every field is checked; null means absent.
/// </summary>
public sealed record CreateBountyRequest
{
    /// <summary>The bounty's title.</summary>
    [JsonPropertyName("title")] public string? Title { get; init; }

    /// <summary>What the sponsor wants, in prose.</summary>
    [JsonPropertyName("description")] public string? Description { get; init; }

    /// <summary>What is scored.</summary>
    [JsonPropertyName("metric")] public string? Metric { get; init; }

    /// <summary><c>maximize</c> or <c>minimize</c>.</summary>
    [JsonPropertyName("direction")] public string? Direction { get; init; }

    /// <summary>The command that prints the score.</summary>
    [JsonPropertyName("eval_command")] public string? EvalCommand { get; init; }

    /// <summary>The files (globs) a diff may touch; default: every baseline file outside <c>public/</c> that the eval command does not name.</summary>
    [JsonPropertyName("target_files")] public IReadOnlyList<string>? TargetFiles { get; init; }

    /// <summary>The code and public eval set (under <c>public/</c>): base64 tar.gz.</summary>
    [JsonPropertyName("baseline_tarball")] public string? BaselineTarball { get; init; }

    /// <summary>The held-out eval set, kept secret until the bounty closes: base64 tar.gz.</summary>
    [JsonPropertyName("held_out_tarball")] public string? HeldOutTarball { get; init; }

    /// <summary>SHA-256 (hex) the sponsor published for the held-out tarball; when given, the tarball must hash to it.</summary>
    [JsonPropertyName("held_out_hash")] public string? HeldOutHash { get; init; }

    /// <summary>The score at which the bounty closes (its goal is met); optional.</summary>
    [JsonPropertyName("target_improvement")] public double? TargetImprovement { get; init; }

    /// <summary>The pool.</summary>
    [JsonPropertyName("total_sats")] public long? TotalSats { get; init; }

    /// <summary>When the bounty closes (ISO 8601).</summary>
    [JsonPropertyName("deadline")] public DateTimeOffset? Deadline { get; init; }

    /// <summary>Reward per unit of improvement.</summary>
    [JsonPropertyName("rate_sats_per_unit")] public long? RateSatsPerUnit { get; init; }

    /// <summary>The least improvement that is rewarded.</summary>
    [JsonPropertyName("min_improvement")] public double? MinImprovement { get; init; }

    /// <summary>The largest diff accepted.</summary>
    [JsonPropertyName("max_diff_bytes")] public long? MaxDiffBytes { get; init; }

    /// <summary>Text a diff must not add.</summary>
    [JsonPropertyName("forbidden_patterns")] public IReadOnlyList<string>? ForbiddenPatterns { get; init; }

    /// <summary>Wall-clock limit of one eval run, seconds.</summary>
    [JsonPropertyName("eval_timeout_s")] public int? EvalTimeoutS { get; init; }

    /// <summary>Memory limit of one eval run, MiB.</summary>
    [JsonPropertyName("eval_memory_mb")] public int? EvalMemoryMb { get; init; }

    /// <summary>Runs per eval (the median counts).</summary>
    [JsonPropertyName("repeats")] public int? Repeats { get; init; }

    /// <summary>Least valid score (with <see cref="ScoreMax"/>; proportion metrics default to [0, 1]).</summary>
    [JsonPropertyName("score_min")] public double? ScoreMin { get; init; }

    /// <summary>Greatest valid score.</summary>
    [JsonPropertyName("score_max")] public double? ScoreMax { get; init; }

    /// <summary>How many times the baseline is evaluated at activation to measure the eval's noise σ (default 3, at least 3; each run gets its own <c>L402_EVAL_SEED</c>).</summary>
    [JsonPropertyName("noise_reruns")] public int? NoiseReruns { get; init; }

    /// <summary>Percent of each reward held back until a re-evaluation on a fresh held-out slice (default 20).</summary>
    [JsonPropertyName("holdback_pct")] public int? HoldbackPct { get; init; }

    /// <summary>Seconds after the merge the holdback's re-evaluation runs (default 172800: 48 hours).</summary>
    [JsonPropertyName("holdback_delay_s")] public long? HoldbackDelayS { get; init; }

    /// <summary>How far a new leader raises the bar: the next challenger must beat it by this × its improvement, decaying back (default: the coordinator's, 1; 0 to 100).</summary>
    [JsonPropertyName("leader_threshold_rise")] public double? LeaderThresholdRise { get; init; }

    /// <summary>Share of the raised bar's excess over the floor lost per period (default: the coordinator's, 0.05; in (0, 1]).</summary>
    [JsonPropertyName("leader_threshold_decay")] public double? LeaderThresholdDecay { get; init; }

    /// <summary>Seconds per decay period (default: the coordinator's, 1200; 60 to 2592000).</summary>
    [JsonPropertyName("leader_threshold_period_s")] public long? LeaderThresholdPeriodS { get; init; }

    /// <summary>A fresh held-out slice for the holdback's re-evaluation, never used in validation: base64 tar.gz (optional; without it the held-out set is rerun under fresh seeds).</summary>
    [JsonPropertyName("holdback_tarball")] public string? HoldbackTarball { get; init; }
}

/// <summary>The body of <c>POST /bounty/{id}/commit</c>.</summary>
/// <param name="Commitment">Lowercase hex <c>sha256(diff ‖ nonce)</c>.</param>
/// <param name="Agent">Who commits.</param>
public sealed record CommitRequest(
    [property: JsonPropertyName("commitment")] string? Commitment,
    [property: JsonPropertyName("agent")] string? Agent);

/// <summary>What <c>POST /bounty/{id}/commit</c> answers (201 new, 200 already registered).</summary>
/// <param name="Commitment">The commitment.</param>
/// <param name="Sequence">Its place in the bounty's order of commitments.</param>
/// <param name="CommittedAt">When it was registered.</param>
public sealed record CommitAccepted(
    [property: JsonPropertyName("commitment")] string Commitment,
    [property: JsonPropertyName("sequence")] int Sequence,
    [property: JsonPropertyName("committed_at")] DateTimeOffset CommittedAt);

/// <summary>The body of <c>POST /bounty/{id}/submit</c>.</summary>
/// <param name="Diff">The unified diff.</param>
/// <param name="BaseVersion">The version it was made against; default: the current version when the submission arrives.</param>
/// <param name="ClaimedScore">The score the agent claims.</param>
/// <param name="Nonce">Reveals a commitment.</param>
/// <param name="Agent">The agent's name.</param>
public sealed record SubmitRequest(
    [property: JsonPropertyName("diff")] string? Diff,
    [property: JsonPropertyName("base_version")] int? BaseVersion,
    [property: JsonPropertyName("claimed_score")] double? ClaimedScore,
    [property: JsonPropertyName("nonce")] string? Nonce,
    [property: JsonPropertyName("agent")] string? Agent);
