namespace L402Train.Lightning.Simnet;

/// <summary>
/// Where the simnet keeps its records: one JSON document per (kind, key). The network writes the
/// changes of one operation in a single <see cref="Write"/>, which must be atomic, so a crash loses at
/// most the operation in progress and never half of one. Lightning ships the in-memory
/// <see cref="MemorySimnetStore"/>; a durable one (SQLite) lives with the host, so no database driver
/// reaches a client that uses lightning's types.
/// </summary>
public interface ISimnetStore : IDisposable
{
    /// <summary>Where the records live (a file path, or "in memory"), for logs and error messages.</summary>
    string Location { get; }

    /// <summary>The JSON documents of one kind, ordered by key (ordinal).</summary>
    IReadOnlyList<string> Load(string kind);

    /// <summary>Applies the changes atomically: all of them or none.</summary>
    void Write(IReadOnlyCollection<SimnetStoreWrite> changes);
}

/// <summary>One change to the simnet's records.</summary>
/// <param name="Kind">The record's kind ("node", "channel", "invoice", …).</param>
/// <param name="Key">Its key within the kind.</param>
/// <param name="Json">The record as JSON; null deletes it.</param>
public readonly record struct SimnetStoreWrite(string Kind, string Key, string? Json);
