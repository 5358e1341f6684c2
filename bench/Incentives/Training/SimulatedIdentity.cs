using L402Train.Lightning.Simnet;

namespace L402Train.Bench.Incentives.Training;

/// <summary>
/// One identity the coordinator sees (a peer id and its own simnet wallet). Identities of one
/// operator (a sybil) or one ring share <see cref="Group"/>; <see cref="Member"/> is the place in it.
/// </summary>
internal sealed record SimulatedIdentity(string Id, TrainingProfile Profile, int Group, int Member, SimnetNode Wallet, ulong Seed);

/// <summary>How many identities of each profile a run has.</summary>
internal static class ProfileMix
{
    /// <summary>Identities per ring of copycats and per sybil operator.</summary>
    public const int GroupSize = 3;

    // A mix with every adversary present and honest peers the majority, as a public network would see
    // (Templar's and Gauntlet's reports: most peers honest, a persistent tail of free-riders and copiers).
    private static readonly (TrainingProfile Profile, double Share)[] Shares =
    [
        (TrainingProfile.FreeRiderZeros, 0.04), (TrainingProfile.FreeRiderNoise, 0.06), (TrainingProfile.Copycat, 0.05),
        (TrainingProfile.CopycatRing, 0.06), (TrainingProfile.SybilSplit, 0.06), (TrainingProfile.SybilDuplicate, 0.06),
        (TrainingProfile.Poisoner, 0.03), (TrainingProfile.Stale, 0.02), (TrainingProfile.Alternating, 0.02),
    ];

    /// <summary>
    /// Identities per profile for <paramref name="identities"/> in all: each adversary at its share
    /// (at least one, or one group), rounded to whole groups, and honest peers the rest.
    /// </summary>
    public static IReadOnlyList<(TrainingProfile Profile, int Count)> For(int identities)
    {
        var counts = new List<(TrainingProfile, int)>();
        foreach (var (profile, share) in Shares)
        {
            var size = Grouped(profile) ? GroupSize : 1;
            var count = Math.Max(size, (int)Math.Round(share * identities / size) * size);
            counts.Add((profile, count));
        }
        var honest = identities - counts.Sum(c => c.Item2);
        if (honest < 1) throw new ArgumentOutOfRangeException(nameof(identities), identities, "too few identities for one of each adversary and an honest majority");
        counts.Insert(0, (TrainingProfile.Honest, honest));
        return counts;
    }

    /// <summary>True for profiles whose identities come in groups (rings, sybil operators).</summary>
    public static bool Grouped(TrainingProfile profile) => profile is TrainingProfile.CopycatRing or TrainingProfile.SybilSplit or TrainingProfile.SybilDuplicate;
}
