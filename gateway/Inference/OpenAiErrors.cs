using L402Train.Protocol.Inference;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace L402Train.Gateway.Inference;

/// <summary>OpenAI-shaped error answers (<see cref="OpenAiError"/>), which the OpenAI SDKs read into their APIError.</summary>
internal static class OpenAiErrors
{
    /// <summary>A 400 naming the field.</summary>
    public static JsonHttpResult<OpenAiError> Invalid(string message, string? param, string? code = null) =>
        Result(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    /// <summary>Any status with an OpenAI body.</summary>
    public static JsonHttpResult<OpenAiError> Result(int status, string message, string type, string? param = null, string? code = null) =>
        TypedResults.Json(new OpenAiError(new OpenAiErrorDetail(message, type, param, code)), statusCode: status);
}
