namespace L402Train.Grains.Training;

/// <summary>
/// τ for one round: the smallest significant score that earns a reward there, and the
/// random-direction baseline it was drawn from. A fixed τ in relative loss decrease cannot serve
/// a whole run, since an honest update improves the loss less as the model converges (a fixed
/// 0.005 refused every honest update from round 11 of the 1,000-peer run); what must stay unpaid
/// is an update no better than a random direction, so τ follows what random directions of an
/// honest update's size score on this round's checkpoint and batches (docs/incentives.md).
/// </summary>
/// <param name="Tau">τ of the round: max(floor, mean + k·sd of the baseline, ρ·the previous round's accepted median score), or the schedule's <see cref="RewardSchedule.MinRewardedScore"/> when there is no baseline.</param>
/// <param name="BaselineMean">Mean score of the random directions (0 without a baseline).</param>
/// <param name="BaselineSd">Their sample standard deviation (0 without a baseline).</param>
/// <param name="BaselineScores">Each random direction's score, in draw order (empty without a baseline).</param>
/// <param name="PreviousMedianScore">Median score of the updates the previous round accepted (0 when it accepted none).</param>
[GenerateSerializer, Immutable, Alias("l402.RoundThreshold")]
public sealed record RoundThreshold(
    [property: Id(0)] double Tau,
    [property: Id(1)] double BaselineMean,
    [property: Id(2)] double BaselineSd,
    [property: Id(3)] IReadOnlyList<double> BaselineScores,
    [property: Id(4)] double PreviousMedianScore = 0)
{
    /// <summary>
    /// The schedule's fixed τ, for a round with nothing to size random directions by (round 1,
    /// before any update was accepted).
    /// </summary>
    public static RoundThreshold Fixed(RewardSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new RoundThreshold(schedule.MinRewardedScore, 0, 0, []);
    }

    /// <summary>
    /// The rule: τ = max(<see cref="RewardSchedule.MinRewardedScoreFloor"/>, mean + k·sd of the
    /// random directions' scores, ρ·<paramref name="previousMedianScore"/>), k =
    /// <see cref="RewardSchedule.BaselineSigmas"/>, ρ = <see cref="RewardSchedule.MinRewardedShareOfMedian"/>.
    /// The last term guards the rounds right after a large outer step, where random directions
    /// score in a heavier upper tail than a few samples show while honest updates still score far
    /// above them; it falls as fast as honest scores do. A score that is not finite (a direction
    /// that blew the loss up) counts as no improvement at all.
    /// </summary>
    public static RoundThreshold FromBaseline(IReadOnlyList<double> scores, RewardSchedule schedule, double previousMedianScore = 0)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(schedule);
        if (scores.Count < 2) throw new ArgumentException("the baseline needs at least 2 random directions", nameof(scores));
        var finite = scores.Select(s => double.IsFinite(s) ? s : -1.0).ToArray();
        var mean = finite.Average();
        var sd = Math.Sqrt(finite.Sum(s => (s - mean) * (s - mean)) / (finite.Length - 1));
        var previous = double.IsFinite(previousMedianScore) ? Math.Max(0, previousMedianScore) : 0;
        var tau = Math.Max(schedule.MinRewardedScoreFloor, Math.Max(mean + schedule.BaselineSigmas * sd, schedule.MinRewardedShareOfMedian * previous));
        return new RoundThreshold(tau, mean, sd, finite, previous);
    }

    /// <summary>The median score of a round's accepted updates (0 when it accepted none).</summary>
    public static double AcceptedMedianScore(RoundState round)
    {
        ArgumentNullException.ThrowIfNull(round);
        var sorted = round.Submissions.Where(s => s.Reason == VerdictReason.Accepted).Select(s => s.Score).Order().ToArray();
        if (sorted.Length == 0) return 0;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
