using System.Text.Json;

namespace L402Train.Lightning.Simnet;

/// <summary>
/// The network's view of its <see cref="ISimnetStore"/>: collects the records an operation changes
/// (as JSON) and hands them to the store in one atomic write at the end of the operation.
/// </summary>
internal sealed class SimnetStore(ISimnetStore backing) : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<(string Kind, string Key), string?> pending = [];

    public string Location => backing.Location;

    public void Put<T>(string kind, string key, T record) => pending[(kind, key)] = JsonSerializer.Serialize(record, Json);

    public void Delete(string kind, string key) => pending[(kind, key)] = null;

    public void Flush()
    {
        if (pending.Count == 0) return;
        backing.Write([.. pending.Select(p => new SimnetStoreWrite(p.Key.Kind, p.Key.Key, p.Value))]);
        pending.Clear();
    }

    public List<T> Load<T>(string kind) =>
        [.. backing.Load(kind).Select(json => JsonSerializer.Deserialize<T>(json, Json) ?? throw new SimnetStateException($"a stored {kind} record is null"))];

    public void Dispose() => backing.Dispose();
}
