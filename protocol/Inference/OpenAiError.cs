using System.Text.Json.Serialization;

namespace L402Train.Protocol.Inference;

/// <summary>The inside of an OpenAI error body.</summary>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="Type">OpenAI's error type, e.g. <c>invalid_request_error</c>.</param>
/// <param name="Param">The request field at fault, or null.</param>
/// <param name="Code">A machine-readable code, or null.</param>
public sealed record OpenAiErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);

/// <summary>An OpenAI-shaped error body, <c>{"error":{"message","type","param","code"}}</c>, which the OpenAI SDKs read into their APIError.</summary>
/// <param name="Error">The error.</param>
public sealed record OpenAiError([property: JsonPropertyName("error")] OpenAiErrorDetail Error);
