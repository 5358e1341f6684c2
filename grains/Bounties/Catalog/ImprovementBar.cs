using System.Globalization;

namespace L402Train.Grains.Bounties.Catalog;

/// <summary>
/// What a submission's held-out improvement must exceed to be paid, and why:
/// <c>required = max(min_improvement, k·σ, leader threshold)</c>, where σ is the standard deviation of the
/// baseline's held-out reruns at activation (k = <see cref="BountyRules.NoiseFloorSigmas"/>, 2 by default) and
/// the leader threshold is <see cref="LeaderThreshold"/>'s.
/// </summary>
/// <param name="MinImprovement">The sponsor's <c>min_improvement</c>.</param>
/// <param name="NoiseFloor">k·σ (0 when the eval is deterministic or σ was not measured).</param>
/// <param name="LeaderThreshold">The current leader threshold (at least the noise floor and the minimum).</param>
public sealed record ImprovementBar(double MinImprovement, double NoiseFloor, double LeaderThreshold)
{
    /// <summary>A bar of the sponsor's minimum alone (no noise measured, no leader threshold).</summary>
    public static ImprovementBar Minimum(double minImprovement) => new(minImprovement, 0, minImprovement);

    /// <summary>The floor under every bar: max(min_improvement, k·σ).</summary>
    public double Floor => Math.Max(MinImprovement, NoiseFloor);

    /// <summary>The improvement a submission must exceed (the noise floor strictly; the sponsor's minimum is reached inclusively).</summary>
    public double Required => Math.Max(Floor, LeaderThreshold);

    /// <summary>True when <paramref name="improvement"/> clears the bar: ≥ the minimum, &gt; the noise floor, ≥ a raised leader threshold.</summary>
    public bool Clears(double improvement) =>
        improvement >= MinImprovement && (NoiseFloor <= 0 || improvement > NoiseFloor) && (LeaderThreshold <= Floor || improvement >= LeaderThreshold);

    /// <summary>Which part of the bar <paramref name="improvement"/> failed, in words.</summary>
    public string Shortfall(double improvement) =>
        improvement < MinImprovement ? string.Create(CultureInfo.InvariantCulture, $"below the minimum improvement {MinImprovement}")
        : NoiseFloor > 0 && improvement <= NoiseFloor ? string.Create(CultureInfo.InvariantCulture, $"within the eval's noise floor {NoiseFloor:0.#####} (2σ of the baseline reruns)")
        : string.Create(CultureInfo.InvariantCulture, $"below the leader threshold {LeaderThreshold:0.#####} (raised by the last large win, decaying back)");
}

/// <summary>
/// The incumbent-beating threshold (after Templar's Crusades): a new leader that improved by <c>I</c> raises
/// the bar to <c>T₀ = max(F, rise·I)</c>, which then decays back to the floor <c>F</c>:
/// <c>T(t) = F + (T₀ − F)·(1 − decay)^((t − t₀) / period)</c>, with <c>t₀</c> the merge time and
/// rise, decay, period from the bounty's terms (the silo's <see cref="BountyRules"/> for terms stored before they were
/// terms). Before any merge the bar is <c>F</c>.
/// </summary>
public static class LeaderThreshold
{
    /// <summary>The bar a submission to <paramref name="state"/> must clear at <paramref name="now"/>.</summary>
    public static ImprovementBar At(BountyState state, BountyRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        var terms = state.Posted?.Terms ?? throw new ArgumentException("the bounty does not exist", nameof(state));
        var noise = state.NoiseSigma is { } sigma ? rules.NoiseFloorSigmas * sigma : 0;
        var floor = Math.Max(terms.MinImprovement, noise);
        // The bounty's own threshold terms, where the sponsor's deal has them; the silo's settings for terms stored before.
        var own = rules with
        {
            LeaderThresholdRise = terms.LeaderThresholdRise ?? rules.LeaderThresholdRise,
            LeaderThresholdDecay = terms.LeaderThresholdDecay ?? rules.LeaderThresholdDecay,
            LeaderThresholdPeriod = terms.LeaderThresholdPeriod ?? rules.LeaderThresholdPeriod,
        };
        var leader = state.Leaderboard.Count == 0 ? floor : Decayed(floor, state.Leaderboard[^1], own, now);
        return new ImprovementBar(terms.MinImprovement, noise, leader);
    }

    /// <summary>The threshold <paramref name="leader"/> set, decayed to <paramref name="now"/>.</summary>
    public static double Decayed(double floor, LeaderboardEntry leader, BountyRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(leader);
        ArgumentNullException.ThrowIfNull(rules);
        var raised = Math.Max(floor, rules.LeaderThresholdRise * leader.Improvement);
        var periods = Math.Max(0, (now - leader.AcceptedAt) / rules.LeaderThresholdPeriod);
        return floor + ((raised - floor) * Math.Pow(1 - rules.LeaderThresholdDecay, periods));
    }
}
