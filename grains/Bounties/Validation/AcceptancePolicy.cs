using System.Globalization;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;

namespace L402Train.Grains.Bounties.Validation;

/// <summary>The scores a decision compares: the current best's and the candidate's, one per repeat.</summary>
/// <param name="BestPublic">Public scores of the current best (empty when unknown: the gap check is skipped).</param>
/// <param name="BestHeldOut">Held-out scores of the current best.</param>
/// <param name="CandidatePublic">Public scores of the candidate.</param>
/// <param name="CandidateHeldOut">Held-out scores of the candidate.</param>
internal sealed record ScoreComparison(
    IReadOnlyList<double> BestPublic, IReadOnlyList<double> BestHeldOut,
    IReadOnlyList<double> CandidatePublic, IReadOnlyList<double> CandidateHeldOut)
{
    /// <summary>The candidate's canary counts over its public runs (summed); null when the eval reports none.</summary>
    public CanaryCount? PublicCanaries { get; init; }

    /// <summary>The candidate's canary counts over its held-out runs (summed); null when the eval reports none.</summary>
    public CanaryCount? HeldOutCanaries { get; init; }
}

/// <summary>What <see cref="AcceptancePolicy"/> decided.</summary>
/// <param name="Reason">Accepted, not improved, not significant or suspicious gap.</param>
/// <param name="Improvement">Mean held-out improvement over the current best (in the metric's direction).</param>
/// <param name="PublicGain">Mean public improvement over the current best.</param>
/// <param name="Detail">The numbers, in a sentence.</param>
internal sealed record AcceptanceDecision(BountyVerdictReason Reason, double Improvement, double PublicGain, string Detail);

/// <summary>
/// Decides on an evaluated submission, in this order:
/// <list type="number">
/// <item>canary failed: the canary accuracy on the public set exceeds the one on the held-out set by more than
/// <see cref="CanaryGap"/> (the public answers were memorised: canaries' held-out counterparts have other answers);</item>
/// <item>suspicious gap: the public gain exceeds the held-out gain by more than the threshold (fitted to the public set);</item>
/// <item>not improved: the mean held-out improvement is ≤ 0;</item>
/// <item>not significant: the mean improvement does not clear the <see cref="ImprovementBar"/> (the bounty's minimum, the
/// noise floor k·σ, the leader threshold), or (with repeats) a one-sided
/// Welch t-test of "candidate mean &gt; best mean" over the held-out repeats does not reject at the configured
/// level. With one repeat on each side the eval is taken as deterministic and the minimum alone decides;</item>
/// <item>otherwise accepted.</item>
/// </list>
/// </summary>
internal static class AcceptancePolicy
{
    /// <summary>Largest tolerated excess of the public canary accuracy over the held-out one (a memorising submission scores 1 − 0).</summary>
    public const double CanaryGap = 0.5;

    /// <summary>Judges <paramref name="scores"/> under the bounty's direction and minimum and the coordinator's thresholds.</summary>
    public static AcceptanceDecision Judge(ScoreComparison scores, MetricDirection direction, double minImprovement, double suspiciousGap, double significanceLevel) =>
        Judge(scores, direction, ImprovementBar.Minimum(minImprovement), suspiciousGap, significanceLevel);

    /// <summary>Judges <paramref name="scores"/> under the bounty's direction, its <paramref name="bar"/> and the coordinator's thresholds.</summary>
    public static AcceptanceDecision Judge(ScoreComparison scores, MetricDirection direction, ImprovementBar bar, double suspiciousGap, double significanceLevel)
    {
        ArgumentNullException.ThrowIfNull(bar);
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.BestHeldOut.Count == 0 || scores.CandidateHeldOut.Count == 0)
            throw new ArgumentException("both sides need held-out scores", nameof(scores));
        var best = scores.BestHeldOut.Average();
        var candidate = scores.CandidateHeldOut.Average();
        var improvement = direction.Improvement(best, candidate);
        var publicGain = scores.BestPublic.Count > 0 && scores.CandidatePublic.Count > 0
            ? direction.Improvement(scores.BestPublic.Average(), scores.CandidatePublic.Average())
            : double.NaN;
        var numbers = string.Create(CultureInfo.InvariantCulture,
            $"held-out {candidate:0.#####} vs best {best:0.#####} (improvement {improvement:+0.#####;-0.#####;0})");
        if (!double.IsNaN(publicGain))
            numbers += string.Create(CultureInfo.InvariantCulture, $", public gain {publicGain:+0.#####;-0.#####;0}");

        if (scores.PublicCanaries is { Total: > 0 } pc && scores.HeldOutCanaries is { Total: > 0 } hc
            && ((double)pc.Correct / pc.Total) - ((double)hc.Correct / hc.Total) > CanaryGap)
            return new(BountyVerdictReason.CanaryFailed, improvement, publicGain,
                $"{numbers}: {pc.Correct}/{pc.Total} public canary items right but {hc.Correct}/{hc.Total} of their held-out counterparts, whose answers differ: the answers were memorised from the public set");
        if (!double.IsNaN(publicGain) && publicGain - improvement > suspiciousGap)
            return new(BountyVerdictReason.SuspiciousGap, improvement, publicGain,
                string.Create(CultureInfo.InvariantCulture, $"{numbers}: the public gain exceeds the held-out gain by more than {suspiciousGap}, so the change fits the public set rather than the task"));
        if (improvement <= 0)
            return new(BountyVerdictReason.NotImproved, improvement, publicGain, $"{numbers}: no improvement on the held-out set");
        if (!bar.Clears(improvement))
            return new(BountyVerdictReason.NotSignificant, improvement, publicGain, $"{numbers}: {bar.Shortfall(improvement)}");
        if (!Significant(scores.BestHeldOut, scores.CandidateHeldOut, improvement, significanceLevel, out var test))
            return new(BountyVerdictReason.NotSignificant, improvement, publicGain, $"{numbers}: not significant over the repeats ({test})");
        return new(BountyVerdictReason.Accepted, improvement, publicGain, test.Length == 0 ? numbers : $"{numbers}, {test}");
    }

    /// <summary>One-sided Welch t-test; a side with one repeat borrows the other side's variance.</summary>
    private static bool Significant(IReadOnlyList<double> best, IReadOnlyList<double> candidate, double improvement, double alpha, out string test)
    {
        test = "";
        if (best.Count < 2 && candidate.Count < 2) return true;
        var varianceBest = best.Count >= 2 ? Variance(best) : Variance(candidate);
        var varianceCandidate = candidate.Count >= 2 ? Variance(candidate) : varianceBest;
        var a = varianceBest / best.Count;
        var b = varianceCandidate / candidate.Count;
        var standardError = Math.Sqrt(a + b);
        if (standardError == 0) return true;
        var t = improvement / standardError;
        var df = (a + b) * (a + b) / ((a * a / Math.Max(1, best.Count - 1)) + (b * b / Math.Max(1, candidate.Count - 1)));
        var critical = StudentT.CriticalValue(alpha, df);
        test = string.Create(CultureInfo.InvariantCulture, $"Welch t = {t:0.##} vs {critical:0.###} at α = {alpha}, df ≈ {df:0.#}");
        return t > critical;
    }

    private static double Variance(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
    }
}
