namespace L402Train.Grains.Training;

/// <summary>
/// Turns per-batch held-out losses before and after one peer's update into a verdict, so that
/// noise is never paid: the score is the mean relative loss decrease over the M batches, and it
/// counts only if the loss fell on at least m batches and the mean exceeds z standard errors.
/// </summary>
internal static class SignificanceGate
{
    /// <summary>
    /// Scores one submission. Both spans hold one mean loss per held-out batch, in the same order;
    /// <paramref name="threshold"/> is the round's τ (null: the schedule's fixed <see cref="RewardSchedule.MinRewardedScore"/>).
    /// </summary>
    public static SubmissionVerdict Judge(ReadOnlySpan<double> before, ReadOnlySpan<double> after, RewardSchedule schedule, RoundThreshold? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var tau = threshold?.Tau ?? schedule.MinRewardedScore;
        if (before.Length != after.Length || before.Length < 2)
            throw new ArgumentException("before and after need the same number (≥ 2) of batch losses");

        var n = before.Length;
        Span<double> gains = n <= 256 ? stackalloc double[n] : new double[n];
        var improved = 0;
        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(after[i]))
                return new SubmissionVerdict(VerdictReason.Harmful, double.NegativeInfinity, 0, "the update made the held-out loss non-finite");
            gains[i] = (before[i] - after[i]) / before[i];
            if (gains[i] > 0) improved++;
        }
        var mean = Mean(gains);
        var standardError = StandardDeviation(gains, mean) / Math.Sqrt(n);

        if (mean <= 0)
            return new SubmissionVerdict(VerdictReason.Harmful, mean, 0,
                $"held-out loss did not fall (mean relative change {mean:+0.0000;-0.0000}, improved on {improved}/{n} batches)");
        var significant = improved >= schedule.MinImprovedBatches && mean > schedule.SignificanceZ * standardError;
        if (!significant || mean < tau)
            return new SubmissionVerdict(VerdictReason.BelowThreshold, mean, 0,
                $"improvement {mean:0.0000} on {improved}/{n} batches is not significant or below τ={tau:0.00000} (needs ≥ {schedule.MinImprovedBatches} batches and mean > {schedule.SignificanceZ}·SE = {schedule.SignificanceZ * standardError:0.0000})");
        var quality = Math.Min(1.0, mean / schedule.FullQualityScore);
        return new SubmissionVerdict(VerdictReason.Accepted, mean, quality,
            $"held-out loss fell {mean:P2} on average, on {improved}/{n} batches; quality {quality:0.000}");
    }

    /// <summary>The reward for a verdict, capped by what is left of the round budget.</summary>
    public static long Reward(SubmissionVerdict verdict, RewardSchedule schedule, long budgetLeftSat)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(schedule);
        if (!verdict.EarnsReward) return 0;
        var owed = (long)Math.Floor(schedule.BaseRateSat * verdict.Quality);
        return Math.Clamp(owed, 0, Math.Max(0, budgetLeftSat));
    }

    /// <summary>The score alone: the mean relative held-out loss decrease over the batches (what <see cref="Judge"/> compares with τ).</summary>
    public static double MeanGain(ReadOnlySpan<double> before, ReadOnlySpan<double> after)
    {
        if (before.Length != after.Length || before.Length < 1)
            throw new ArgumentException("before and after need the same number (≥ 1) of batch losses");
        var sum = 0.0;
        for (var i = 0; i < before.Length; i++) sum += (before[i] - after[i]) / before[i];
        return sum / before.Length;
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values) sum += v;
        return sum / values.Length;
    }

    private static double StandardDeviation(ReadOnlySpan<double> values, double mean)
    {
        var sum = 0.0;
        foreach (var v in values) sum += (v - mean) * (v - mean);
        return Math.Sqrt(sum / (values.Length - 1));
    }
}
