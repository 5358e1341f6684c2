namespace L402Train.Bench.Incentives.Training;

/// <summary>
/// Who a simulated training identity is. Beyond the demo's profiles (peer-agent's
/// <c>PeerProfile</c>) these are the adversaries of issue #15: both forms of free-rider, copycats
/// that slip under the overlap threshold alone or in a ring, sybils that split or duplicate one
/// operator's work over several identities, poisoners, stale peers and peers that alternate
/// honest and stale rounds.
/// </summary>
internal enum TrainingProfile
{
    /// <summary>Trains K steps on its own data from the current checkpoint and submits the compressed update.</summary>
    Honest,
    /// <summary>Submits an all-zero update without training (seed 001's free-rider, first form).</summary>
    FreeRiderZeros,
    /// <summary>Submits random noise scaled to an honest update's per-tensor norm, without training (seed 001: "random/noise gradients").</summary>
    FreeRiderNoise,
    /// <summary>Copies an honest update of the round, keeps its largest entries up to just under the overlap threshold, perturbs them and fills the rest with noise.</summary>
    Copycat,
    /// <summary>One of a ring of colluders splitting one copied update into disjoint slices, one slice each.</summary>
    CopycatRing,
    /// <summary>One operator, several identities: one honest update split into disjoint parts, one part per identity.</summary>
    SybilSplit,
    /// <summary>One operator, several identities: one honest update submitted by each identity (re-encoded with 1 % noise).</summary>
    SybilDuplicate,
    /// <summary>Its honest update reversed (gradient ascent).</summary>
    Poisoner,
    /// <summary>Downloads the first checkpoint only and keeps training on it.</summary>
    Stale,
    /// <summary>Honest in odd rounds; in even rounds re-submits its previous update without syncing (a stale round).</summary>
    Alternating,
}

/// <summary>Names as the bench prints them (<c>net_sats_free_rider_noise</c>).</summary>
internal static class TrainingProfiles
{
    public static IReadOnlyList<TrainingProfile> All { get; } = Enum.GetValues<TrainingProfile>();

    public static string Name(this TrainingProfile profile) => profile switch
    {
        TrainingProfile.Honest => "honest",
        TrainingProfile.FreeRiderZeros => "free_rider_zeros",
        TrainingProfile.FreeRiderNoise => "free_rider_noise",
        TrainingProfile.Copycat => "copycat",
        TrainingProfile.CopycatRing => "copycat_ring",
        TrainingProfile.SybilSplit => "sybil_split",
        TrainingProfile.SybilDuplicate => "sybil_duplicate",
        TrainingProfile.Poisoner => "poisoner",
        TrainingProfile.Stale => "stale",
        TrainingProfile.Alternating => "alternating",
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, null),
    };

    /// <summary>True for profiles whose submissions copy one filed earlier in the round (they arrive after it).</summary>
    public static bool Copies(this TrainingProfile profile) => profile is TrainingProfile.Copycat or TrainingProfile.CopycatRing or TrainingProfile.SybilDuplicate;
}
