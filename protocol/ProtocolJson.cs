using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.Protocol;

/// <summary>
/// The JSON the HTTP API speaks: snake_case names (every record also names its fields with
/// <see cref="JsonPropertyNameAttribute"/>, so the contract does not hang on a policy), enum strings,
/// absent rather than null.
/// </summary>
public static class ProtocolJson
{
    /// <summary>Serializer options for API bodies, read-only.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The wire name of an enum value (<c>AwaitingFunding</c> → <c>awaiting_funding</c>).</summary>
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
