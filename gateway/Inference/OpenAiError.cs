using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace L402Train.Gateway.Inference;

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
public sealed record OpenAiError([property: JsonPropertyName("error")] OpenAiErrorDetail Error)
{
    /// <summary>A 400 naming the field.</summary>
    public static JsonHttpResult<OpenAiError> Invalid(string message, string? param, string? code = null) =>
        Result(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    /// <summary>Any status with an OpenAI body.</summary>
    public static JsonHttpResult<OpenAiError> Result(int status, string message, string type, string? param = null, string? code = null) =>
        TypedResults.Json(new OpenAiError(new OpenAiErrorDetail(message, type, param, code)), statusCode: status);
}
