namespace L402Train.PeerAgent.Training;

/// <summary>
/// How a peer behaves. <see cref="Honest"/> is what <c>peer-agent train</c> does; the others are
/// the adversaries <c>silo demo --profiles</c> runs to show that the validator catches them.
/// </summary>
public enum PeerProfile
{
    /// <summary>Trains K steps on its data and submits the compressed pseudo-gradient.</summary>
    Honest,
    /// <summary>Trains too little (one tiny step): honest, but below the reward threshold.</summary>
    Mediocre,
    /// <summary>Submits an all-zero update without training.</summary>
    FreeRider,
    /// <summary>Re-submits another peer's update of the round (re-encoded with noise so it is not byte-identical).</summary>
    Copycat,
    /// <summary>Submits its honest update reversed (gradient ascent), which raises the loss.</summary>
    Poisoner,
    /// <summary>Never syncs after its first download, so from the second version on it trains on a stale checkpoint.</summary>
    Stale,
}

/// <summary>Parsing of profile names as the CLI writes them (<c>free-rider</c>).</summary>
public static class PeerProfiles
{
    /// <summary>The CLI names, in enum order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["honest", "mediocre", "free-rider", "copycat", "poisoner", "stale"];

    /// <summary>Parses one name; throws <see cref="FormatException"/> naming the accepted ones.</summary>
    public static PeerProfile Parse(string name)
    {
        var index = Names.ToList().IndexOf(name.Trim().ToLowerInvariant());
        return index >= 0 ? (PeerProfile)index : throw new FormatException($"'{name}' is not a profile; use one of {string.Join(", ", Names)}");
    }

    /// <summary>The CLI name.</summary>
    public static string Name(this PeerProfile profile) => Names[(int)profile];
}
