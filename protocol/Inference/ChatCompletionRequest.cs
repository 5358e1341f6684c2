using System.Text.Json.Serialization;

namespace L402Train.Protocol.Inference;

/// <summary>One message of a chat (OpenAI's <c>messages[]</c> item, text content only).</summary>
/// <param name="Role"><c>system</c>, <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">The text.</param>
public sealed record ChatMessage(
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("content")] string? Content);

/// <summary>The body of <c>POST /v1/chat/completions</c>: the OpenAI fields this provider honours.</summary>
/// <remarks>Fields OpenAI defines and this provider does not use (<c>user</c>, <c>stream_options</c>, …) are ignored, as OpenAI ignores unknown ones.</remarks>
public sealed record ChatCompletionRequest
{
    /// <summary>The model id (see <c>GET /v1/models</c>).</summary>
    [JsonPropertyName("model")] public string? Model { get; init; }

    /// <summary>The conversation so far.</summary>
    [JsonPropertyName("messages")] public IReadOnlyList<ChatMessage?>? Messages { get; init; }

    /// <summary>Most tokens (bytes) to generate; the price depends on it.</summary>
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; init; }

    /// <summary>OpenAI's newer name for <see cref="MaxTokens"/>; used when that is absent.</summary>
    [JsonPropertyName("max_completion_tokens")] public int? MaxCompletionTokens { get; init; }

    /// <summary>Sampling temperature, 0 to 2 (default 1; 0 is greedy).</summary>
    [JsonPropertyName("temperature")] public double? Temperature { get; init; }

    /// <summary>Nucleus sampling mass, (0, 1] (default 1).</summary>
    [JsonPropertyName("top_p")] public double? TopP { get; init; }

    /// <summary>Seed of the sampler (default 0): the same seed, prompt and checkpoint give the same answer.</summary>
    [JsonPropertyName("seed")] public long? Seed { get; init; }

    /// <summary>Number of choices; only 1 is served.</summary>
    [JsonPropertyName("n")] public int? N { get; init; }

    /// <summary>Answer as server-sent events (<c>chat.completion.chunk</c> objects, then <c>[DONE]</c>).</summary>
    [JsonPropertyName("stream")] public bool? Stream { get; init; }
}
