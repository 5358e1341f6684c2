namespace L402Train.PeerAgent.Inference;

/// <summary>A paid service named by a directory listing or a coordinator's <c>/.well-known/ai.json</c>, before it is probed.</summary>
/// <param name="Url">The absolute URL that answers 402.</param>
/// <param name="Method">The HTTP method that answers 402.</param>
/// <param name="ListedSat">The price the listing names, or null.</param>
/// <param name="Source">Where it was found (the directory or coordinator URL).</param>
public sealed record DiscoveryCandidate(Uri Url, HttpMethod Method, long? ListedSat, string Source);

/// <summary>One discovered service with what its 402 offers now and what this client measured of it before.</summary>
/// <param name="Candidate">Where and how it was listed.</param>
/// <param name="Offer">Its challenge read without paying; null when it could not be reached.</param>
/// <param name="Error">Why it could not be probed (unreachable, not a 402, an unreadable challenge); null when it was.</param>
/// <param name="History">The router's history of its provider (<c>providers.json</c>), or null when never used.</param>
public sealed record DiscoveredService(DiscoveryCandidate Candidate, L402Offer? Offer, string? Error, ProviderRecord? History)
{
    /// <summary>True when it answered with an L402 challenge.</summary>
    public bool Reachable => Error is null && Offer is { Status: 402 };

    /// <summary>Milliseconds this discovery's probe waited for the answer (its first byte); null when it got none.</summary>
    public double? ProbeMs { get; init; }

    /// <summary>
    /// What it is ranked by: the router's history with this probe's first byte added, so a service
    /// never streamed from still has a time to first token (<see cref="ProviderRecord.TimeToFirstTokenMs"/>).
    /// </summary>
    public ProviderRecord? Measured => ProbeMs is not { } probe ? History
        : (History ?? new ProviderRecord { Url = DiscoveryClient.HistoryKey(Candidate.Url) }) with { ProbeFirstByteMs = [.. History?.ProbeFirstByteMs ?? [], probe] };
}

/// <summary>A directory or coordinator that could not be read.</summary>
/// <param name="Source">Its URL.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record UnreachableSource(string Source, string Reason);

/// <summary>What <c>peer-agent discover</c> found: services in rank order (reachable first), and the sources it could not read.</summary>
/// <param name="Services">Deduplicated by URL; reachable ones ranked by the router's rule, unreachable ones after them.</param>
/// <param name="Unreachable">Directories and coordinators that did not answer with a readable listing.</param>
public sealed record DiscoveryReport(IReadOnlyList<DiscoveredService> Services, IReadOnlyList<UnreachableSource> Unreachable)
{
    /// <summary>The directories that answered, each with the shape its list was read in.</summary>
    public IReadOnlyList<DirectoryListing> Directories { get; init; } = [];
}
