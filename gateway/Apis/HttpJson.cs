using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.Gateway.Apis;

/// <summary>The JSON the HTTP API speaks: snake_case names and enum strings, as PROTOCOL.md writes them.</summary>
public static class HttpJson
{
    /// <summary>Serializer options for API bodies.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = SatsNamingPolicy.Instance,
            DictionaryKeyPolicy = SatsNamingPolicy.Instance,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
