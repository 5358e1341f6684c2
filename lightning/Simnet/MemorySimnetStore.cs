namespace L402Train.Lightning.Simnet;

/// <summary>
/// Keeps the simnet's records in memory. Disposing it keeps them, so a network reopened over the same
/// instance sees what the previous one wrote (a restart without a file, for tests).
/// </summary>
public sealed class MemorySimnetStore : ISimnetStore
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<(string Kind, string Key), string> records = new(OrdinalPairComparer.Instance);

    /// <inheritdoc />
    public string Location => "in memory";

    /// <inheritdoc />
    public IReadOnlyList<string> Load(string kind)
    {
        lock (gate) return [.. records.Where(r => r.Key.Kind == kind).Select(r => r.Value)];
    }

    /// <inheritdoc />
    public void Write(IReadOnlyCollection<SimnetStoreWrite> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (gate)
        {
            foreach (var change in changes)
            {
                if (change.Json is null) records.Remove((change.Kind, change.Key));
                else records[(change.Kind, change.Key)] = change.Json;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class OrdinalPairComparer : IComparer<(string Kind, string Key)>
    {
        public static readonly OrdinalPairComparer Instance = new();

        public int Compare((string Kind, string Key) x, (string Kind, string Key) y)
        {
            var kind = string.CompareOrdinal(x.Kind, y.Kind);
            return kind != 0 ? kind : string.CompareOrdinal(x.Key, y.Key);
        }
    }
}
