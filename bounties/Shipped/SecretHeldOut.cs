namespace L402Train.Bounties.Shipped;

/// <summary>
/// A held-out set for the shipped bounty that cannot be derived from its public set.
/// <see cref="ShippedBounty.Generate"/> draws both sets from one 32-bit seed, which is right for
/// tests and benches but not for a bounty that pays: whoever knows the seed (the examples' 42 is in
/// the repository), or finds it by trying every seed until the public set matches, regenerates the
/// held-out set and memorises its answers. A sponsor's held-out set comes from randomness of its own.
/// </summary>
public static class SecretHeldOut
{
    /// <summary>
    /// Replaces <paramref name="bounty"/>'s held-out set with <paramref name="count"/> messages drawn
    /// from an unseeded generator (256 bits of state from the operating system), so nothing published
    /// (the public set, the seed, the held-out archive's SHA-256) lets anyone rebuild it.
    /// </summary>
    public static GeneratedBounty Redraw(GeneratedBounty bounty, int count) => Redraw(bounty, new SpamMessageGenerator(new Random()), count);

    /// <summary>
    /// Replaces the held-out set with one drawn from <paramref name="secretSeed"/>, a seed the sponsor
    /// keeps to itself (reproducible suites; a paying bounty uses the unseeded overload).
    /// </summary>
    public static GeneratedBounty Redraw(GeneratedBounty bounty, int count, int secretSeed) => Redraw(bounty, new SpamMessageGenerator(secretSeed), count);

    private static GeneratedBounty Redraw(GeneratedBounty bounty, SpamMessageGenerator generator, int count)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return bounty with { HeldOutSet = Redrawn(bounty.HeldOutSet, generator, count), HoldbackSet = Redrawn(bounty.HoldbackSet, generator, count) };
    }

    // The holdback slice is redrawn too (a seed-derived slice could be memorised as easily), and each set keeps its
    // canary lines (the last CanaryCount messages, labelled the held-out way) and its canaries.txt, so the canary check
    // works on the secret sets exactly as on the seeded ones.
    private static Dictionary<string, string> Redrawn(IReadOnlyDictionary<string, string> set, SpamMessageGenerator generator, int count)
    {
        var redrawn = new Dictionary<string, string>(set, StringComparer.Ordinal);
        var lines = set.TryGetValue(ShippedBounty.MessagesFile, out var messages) ? messages.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
        var canaryLines = set.ContainsKey(ShippedBounty.CanariesFile) ? lines.TakeLast(ShippedBounty.CanaryCount) : [];
        redrawn[ShippedBounty.MessagesFile] = generator.Messages(count) + string.Concat(canaryLines.Select(line => line + "\n"));
        return redrawn;
    }
}
