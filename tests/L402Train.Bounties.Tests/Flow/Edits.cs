using L402Train.Bounties.Diffs;
using L402Train.Bounties.Shipped;

namespace L402Train.Bounties.Tests.Flow;

/// <summary>Diffs of the shipped bounty's classifier.conf that tests submit.</summary>
internal static class Edits
{
    /// <summary>Weights a person would pick after looking at the data for a minute (a real held-out improvement).</summary>
    public static string Tuned(string config) => config
        .Replace("threshold = 0.5", "threshold = 0.8", StringComparison.Ordinal)
        .Replace("weight_link = 0.5", "weight_link = 1.0", StringComparison.Ordinal)
        .Replace("weight_money = 0.5", "weight_money = 1.0", StringComparison.Ordinal)
        .Replace("weight_urgent = 1.0", "weight_urgent = 0.5", StringComparison.Ordinal)
        .Replace("weight_greeting = 0.5", "weight_greeting = -1.0", StringComparison.Ordinal)
        .Replace("weight_length = 0.0", "weight_length = -0.5", StringComparison.Ordinal)
        .Replace("lowercase = no", "lowercase = yes", StringComparison.Ordinal);

    /// <summary>A diff of classifier.conf from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static string Diff(string before, string after) => UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, before, after);
}
