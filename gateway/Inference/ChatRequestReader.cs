using L402Train.Protocol.Inference;
using System.Text.Json;
using L402Train.Gateway.Apis;
using L402Train.Model.Inference;
using L402Train.Model.Tokenizer;
using Microsoft.AspNetCore.Http;

namespace L402Train.Gateway.Inference;

/// <summary>
/// Reads and checks a chat completion body as OpenAI does, before any price is named: a request
/// that would fail is never charged. Every refusal is a 400 with an OpenAI error naming the field.
/// </summary>
internal static class ChatRequestReader
{
    /// <summary>Reads the body of <paramref name="request"/>; either a validated chat or an error result.</summary>
    public static async Task<(ValidatedChat? Chat, IResult? Error)> ReadAsync(HttpRequest request, InferenceOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        // A JSON-escaped prompt may take up to six bytes a byte; anything beyond is not a prompt we would accept.
        var body = await RequestBody.ReadAsync(request, (options.MaxPromptBytes * 6L) + 4096, cancellationToken);
        if (body.Problem is not null)
            return (null, OpenAiErrors.Result(StatusCodes.Status413PayloadTooLarge, body.Problem.ProblemDetails.Detail ?? "The body is too large.", "invalid_request_error"));
        ChatCompletionRequest? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<ChatCompletionRequest>(body.Bytes!);
        }
        catch (JsonException e)
        {
            var param = Param(e.Path);
            return (null, OpenAiErrors.Invalid(
                param is null ? "The body is not a JSON object of a chat completion request." : $"'{param}' has the wrong type or is not valid JSON.", param, "invalid_json"));
        }
        if (parsed is null) return (null, OpenAiErrors.Invalid("The body must be a JSON object with 'model' and 'messages'.", null));
        return Validate(parsed, options);
    }

    /// <summary>Checks a parsed request against <paramref name="options"/>.</summary>
    public static (ValidatedChat? Chat, IResult? Error) Validate(ChatCompletionRequest request, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(request.Model))
            return (null, OpenAiErrors.Invalid("you must provide a model parameter", "model", "missing_required_parameter"));
        if (!string.Equals(request.Model, InferenceOptions.ModelId, StringComparison.Ordinal))
            return (null, OpenAiErrors.Invalid($"The model '{request.Model}' does not exist; this provider serves '{InferenceOptions.ModelId}' (GET /v1/models).", "model", "model_not_found"));
        if (request.Messages is not { Count: > 0 } messages)
            return (null, OpenAiErrors.Invalid("'messages' must be a non-empty array of {role, content} objects.", "messages", "empty_array"));
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not { } message)
                return (null, OpenAiErrors.Invalid($"messages[{i}] must be an object with 'role' and 'content'.", $"messages[{i}]"));
            if (message.Role is null || !ChatTemplate.Roles.Contains(message.Role))
                return (null, OpenAiErrors.Invalid($"messages[{i}].role must be one of 'system', 'user', 'assistant', not '{message.Role}'.", $"messages[{i}].role"));
            if (message.Content is null)
                return (null, OpenAiErrors.Invalid($"messages[{i}].content must be a string.", $"messages[{i}].content"));
        }

        var maxTokens = request.MaxTokens ?? request.MaxCompletionTokens ?? options.DefaultMaxTokens;
        var maxName = request.MaxTokens is null && request.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens";
        if (maxTokens < 1 || maxTokens > options.MaxTokens)
            return (null, OpenAiErrors.Invalid($"{maxName} must be between 1 and {options.MaxTokens}, not {maxTokens}.", maxName, "integer_out_of_range"));
        var temperature = request.Temperature ?? 1.0;
        if (!double.IsFinite(temperature) || temperature is < 0 or > 2)
            return (null, OpenAiErrors.Invalid($"temperature must be between 0 and 2, not {temperature}.", "temperature", "decimal_out_of_range"));
        var topP = request.TopP ?? 1.0;
        if (!double.IsFinite(topP) || topP is <= 0 or > 1)
            return (null, OpenAiErrors.Invalid($"top_p must be greater than 0 and at most 1, not {topP}.", "top_p", "decimal_out_of_range"));
        if (request.N is { } n && n != 1)
            return (null, OpenAiErrors.Invalid($"n must be 1: this provider generates one choice per request, not {n}.", "n", "integer_out_of_range"));

        var prompt = ByteTokenizer.Instance.Encode(ChatTemplate.Render(messages!.Select(m => m!)));
        if (prompt.Length > options.MaxPromptBytes)
            return (null, OpenAiErrors.Invalid($"The messages make a prompt of {prompt.Length} bytes; the limit is {options.MaxPromptBytes}.", "messages", "context_length_exceeded"));
        var generation = new GenerationOptions
        {
            MaxNewTokens = maxTokens,
            Temperature = (float)temperature,
            TopP = (float)topP,
            Seed = unchecked((ulong)(request.Seed ?? 0)),
        };
        return (new ValidatedChat(prompt, generation, request.Stream ?? false, options.Price(maxTokens)), null);
    }

    // "$.messages[0].role" → "messages[0].role"; "$" (the body itself) → null.
    private static string? Param(string? path) =>
        path is null || path.Length <= 2 ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
