using System.Text.Json.Serialization;

namespace L402Train.Lightning.Lnd;

/// <summary>POST /v1/signmessage body.</summary>
public sealed class LndSignMessageRequest
{
    /// <summary>The message, base64.</summary>
    [JsonPropertyName("msg")] public string Message { get; set; } = "";
}

/// <summary>POST /v1/signmessage answer.</summary>
public sealed class LndSignMessageResponse
{
    /// <summary>The z-base-32 signature.</summary>
    [JsonPropertyName("signature")] public string? Signature { get; set; }
}
