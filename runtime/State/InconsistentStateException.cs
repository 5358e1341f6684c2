namespace L402Train.Runtime;

/// <summary>A write lost its compare-and-swap race: the stored version is not the one this copy was read at.</summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception for one state slot.</summary>
    public InconsistentStateException(GrainStateId id, string? currentEtag)
        : base($"Version conflict writing state '{id.StateName}' of grain {id.GrainType}/'{id.Key}': this copy is at ETag '{currentEtag ?? "none"}' but another writer changed it.")
    {
        Id = id;
        CurrentEtag = currentEtag;
    }

    /// <summary>Which state lost.</summary>
    public GrainStateId Id { get; }

    /// <summary>The ETag the losing writer held.</summary>
    public string? CurrentEtag { get; }
}

/// <summary>Stored state that cannot be read as its type: never silently reset, always reported with the grain's identity.</summary>
/// <remarks>An <see cref="OrleansException"/>, so Orleans' storage bridge passes it to callers unwrapped.</remarks>
internal sealed class CorruptedStateException(GrainStateId id, Type stateType, Exception? inner)
    : OrleansException($"Stored state '{id.StateName}' of grain {id.GrainType}/'{id.Key}' cannot be read as {stateType.Name}: {inner?.Message ?? "it is null"}. Repair or delete the row; it was not reset.", inner!)
{
    /// <summary>Which state is corrupted.</summary>
    public GrainStateId Id { get; } = id;
}
