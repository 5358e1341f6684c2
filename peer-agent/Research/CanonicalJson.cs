using System.Text.Json;
using System.Text.Json.Nodes;

namespace L402Train.PeerAgent.Research;

/// <summary>Compact JSON with object keys sorted (ordinal) at every level: one spelling per value, for hashing.</summary>
public static class CanonicalJson
{
    /// <summary>The canonical text of <paramref name="node"/>.</summary>
    public static string Serialize(JsonNode? node) => Sorted(node)?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        null => null,
        _ => node.DeepClone(),
    };
}
