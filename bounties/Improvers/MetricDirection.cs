namespace L402Train.Bounties.Improvers;

/// <summary>Whether a bounty's metric improves upward (accuracy) or downward (loss, latency).</summary>
public enum MetricDirection
{
    /// <summary>Higher is better.</summary>
    Maximize,

    /// <summary>Lower is better.</summary>
    Minimize,
}

/// <summary>Comparisons of scores under a direction.</summary>
public static class MetricDirectionExtensions
{
    /// <summary>How much <paramref name="candidate"/> improves on <paramref name="current"/> (negative when worse).</summary>
    public static double Improvement(this MetricDirection direction, double current, double candidate) =>
        direction == MetricDirection.Maximize ? candidate - current : current - candidate;

    /// <summary>True when <paramref name="candidate"/> beats <paramref name="current"/> by more than <paramref name="margin"/>.</summary>
    public static bool IsBetter(this MetricDirection direction, double current, double candidate, double margin = 0) =>
        direction.Improvement(current, candidate) > margin;
}
