using L402Train.Protocol.Inference;
using System.Globalization;
using System.Text;
using System.Text.Json;
using L402Train.Gateway.Inference;
using L402Train.Gateway.L402;
using L402Train.Grains.Payments;
using L402Train.L402.Gate;
using L402Train.Lightning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Gateway.Apis;

/// <summary>
/// OpenAI-compatible inference over the latest checkpoint (docs/inference.md): <c>GET /v1/models</c>
/// (free) and <c>POST /v1/chat/completions</c>, priced per request from its <c>max_tokens</c> over
/// standard L402. The token is bound to that price (a scope caveat) and buys one completion.
/// </summary>
public static class InferenceApi
{
    /// <summary>The capability of an inference token.</summary>
    public const string Capability = "inference";

    /// <summary>The scope caveat binding an inference token to the price it paid (sats).</summary>
    public const string PriceScope = "inference_sat";

    /// <summary>Registers what the inference routes need.</summary>
    public static IServiceCollection AddInference(this IServiceCollection services, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<ServedModel>();
        services.AddSingleton<GenerationSlots>();
        services.AddSingleton<InferenceTokens>();
        return services;
    }

    /// <summary>Maps <c>/v1/models</c> and <c>/v1/chat/completions</c>.</summary>
    public static IEndpointRouteBuilder MapInferenceApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/v1").WithTags("inference");
        api.MapGet("/models", (TimeProvider time) => TypedResults.Json(
                new ModelList("list", [new ModelCard(InferenceOptions.ModelId, "model", time.GetUtcNow().ToUnixTimeSeconds(), "l402train")])))
            .WithSummary("The models served (free): the byte-level GPT of the latest training checkpoint.");
        api.MapPost("/chat/completions", CompleteAsync)
            .AddEndpointFilter(ReadChatAsync)
            .RequireL402(new L402Requirement(
                http => ValueTask.FromResult(Chat(http).Price), Capability, L402Mode.Standard,
                http => [(PriceScope, Chat(http).Price.Value.ToString(CultureInfo.InvariantCulture))]))
            .WithSummary("OpenAI chat completion (stream: true for server-sent events). Standard L402 priced base + per max_tokens; one token buys one completion.");
        return app;
    }

    private static ValidatedChat Chat(HttpContext http) =>
        http.Features.Get<ValidatedChat>() ?? throw new InvalidOperationException("The chat filter did not run before the L402 gate.");

    // Runs before the gate: a request that would be refused is never priced, and nobody pays while every slot is busy.
    private static async ValueTask<object?> ReadChatAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<InferenceOptions>();
        var (chat, error) = await ChatRequestReader.ReadAsync(http.Request, options, http.RequestAborted);
        if (error is not null) return error;
        if (http.RequestServices.GetRequiredService<GenerationSlots>().Saturated && http.Request.Headers.Authorization.Count == 0)
        {
            http.Response.Headers.RetryAfter = "1";
            return OpenAiErrors.Result(StatusCodes.Status429TooManyRequests, "Every generation slot is busy; retry after a second.", "rate_limit_exceeded");
        }
        http.Features.Set(chat!);
        return await next(context);
    }

    private static async Task<IResult> CompleteAsync(
        HttpContext http, ServedModel served, GenerationSlots slots, InferenceTokens tokens, IGrainFactory grains, ILightningNode node, TimeProvider time)
    {
        var chat = Chat(http);
        var token = http.GetL402Token() ?? throw new InvalidOperationException("The L402 gate let an unpaid request through.");
        var aborted = http.RequestAborted;
        // Until the token is claimed nothing is spent: a 503 here leaves it valid for a retry.
        if (await served.GetAsync(aborted) is not { } model)
            return Unavailable(http, "No checkpoint exists yet: the training run has not started.");
        using var slot = await slots.TryEnterAsync(aborted);
        if (slot is null) return Unavailable(http, "Every generation slot stayed busy; retry with the same token.");
        if (!await tokens.TryUseAsync(token.TokenId, aborted))
            return OpenAiErrors.Result(StatusCodes.Status409Conflict, "This L402 token already bought a completion; pay the new challenge.", "invalid_request_error", code: "token_already_used");
        // The fee is on the node: into the ledger even if the client goes away now.
        await PaidFees.RecordAsync(http, grains, node, InvoicePurpose.Inference, CancellationToken.None);

        var id = $"chatcmpl-{token.PaymentHash.ToHex()[..24]}";
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        http.Response.Headers["X-Checkpoint-Version"] = model.Version.ToString(CultureInfo.InvariantCulture);
        try
        {
            if (chat.Stream)
            {
                await StreamAsync(http, model, chat, id, created, aborted);
                return Results.Empty;
            }
            var completion = await Task.Run(() => model.Generator.Complete(chat.PromptTokens, chat.Options), aborted);
            var text = Utf8Text(completion.Tokens);
            return TypedResults.Json(new ChatCompletion(id, "chat.completion", created, InferenceOptions.ModelId,
                [new ChatChoice(0, new ChatMessage("assistant", text), Finish(completion.Finish == Model.Inference.GenerationFinish.Stop))],
                Usage(chat.PromptTokens.Length, completion.Tokens.Count)));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: stop generating; nobody is left to answer.
            return Results.Empty;
        }
    }

    private static async Task StreamAsync(HttpContext http, ServedModel.Loaded model, ValidatedChat chat, string id, long created, CancellationToken aborted)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await SendAsync(response, new ChatCompletionChunk(id, "chat.completion.chunk", created, InferenceOptions.ModelId, [new ChatChunkChoice(0, new ChatDelta("assistant", ""), null)]), aborted);
        // Tokens are bytes: a character split over two tokens is sent when it is whole.
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[1];
        var chars = new char[4];
        var generated = 0;
        await foreach (var next in model.Generator.GenerateAsync(chat.PromptTokens, chat.Options, aborted))
        {
            generated++;
            bytes[0] = (byte)next;
            var count = decoder.GetChars(bytes, 0, 1, chars, 0, flush: false);
            if (count > 0) await SendAsync(response, Chunk(id, created, new string(chars, 0, count), null), aborted);
        }
        var tail = decoder.GetChars([], 0, 0, chars, 0, flush: true);
        if (tail > 0) await SendAsync(response, Chunk(id, created, new string(chars, 0, tail), null), aborted);
        var last = Chunk(id, created, null, Finish(generated < chat.Options.MaxNewTokens)) with { Usage = Usage(chat.PromptTokens.Length, generated) };
        await SendAsync(response, last, aborted);
        await response.WriteAsync("data: [DONE]\n\n", aborted);
        await response.Body.FlushAsync(aborted);
    }

    private static ChatCompletionChunk Chunk(string id, long created, string? content, string? finish) =>
        new(id, "chat.completion.chunk", created, InferenceOptions.ModelId, [new ChatChunkChoice(0, new ChatDelta(null, content), finish)]);

    private static async Task SendAsync(HttpResponse response, ChatCompletionChunk chunk, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static string Finish(bool stopped) => stopped ? "stop" : "length";

    private static ChatUsage Usage(int prompt, int completion) => new(prompt, completion, prompt + completion);

    private static string Utf8Text(IReadOnlyList<int> tokens) => Encoding.UTF8.GetString([.. tokens.Select(t => (byte)t)]);

    private static IResult Unavailable(HttpContext http, string message)
    {
        http.Response.Headers.RetryAfter = "5";
        return OpenAiErrors.Result(StatusCodes.Status503ServiceUnavailable, message, "server_error", code: "unavailable");
    }
}
