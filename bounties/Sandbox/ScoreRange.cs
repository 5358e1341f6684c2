using System.Globalization;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// The scores a bounty's eval can honestly print: a score outside it (1e308, say) is a failed eval,
/// never an improvement, so no score can claim more of the pool than the metric allows.
/// </summary>
/// <param name="Min">Least valid score.</param>
/// <param name="Max">Greatest valid score.</param>
public sealed record ScoreRange(double Min, double Max)
{
    /// <summary>Metrics that are proportions and default to [0, 1] when the sponsor declares no range.</summary>
    public static IReadOnlySet<string> ProportionMetrics { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "accuracy", "balanced_accuracy", "f1", "f1_score", "precision", "recall", "auc", "roc_auc", "pr_auc",
        "map", "ndcg", "iou", "dice", "jaccard", "error_rate", "hit_rate",
    };

    /// <summary>The default range of <paramref name="metric"/>; null when it has none and the sponsor must declare one.</summary>
    public static ScoreRange? DefaultFor(string metric) => ProportionMetrics.Contains(metric.Trim()) ? new ScoreRange(0, 1) : null;

    /// <summary>True when <paramref name="score"/> is finite and within the range (ends included).</summary>
    public bool Contains(double score) => double.IsFinite(score) && score >= Min && score <= Max;

    /// <summary>Why a score is refused.</summary>
    public string Refusal(double score) =>
        string.Create(CultureInfo.InvariantCulture, $"the score {score:R} is outside the bounty's declared range [{Min:R}, {Max:R}] (score_min, score_max)");

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Min:R}, {Max:R}]");
}
