using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace L402Train.PeerAgent.Inference;

/// <summary>
/// <c>peer-agent infer serve</c>: a local OpenAI-compatible endpoint (<c>GET /v1/models</c>,
/// <c>POST /v1/chat/completions</c>, streaming) that any OpenAI client can use without knowing
/// about Lightning; each completion goes through the <see cref="InferenceRouter"/>, which pays and falls back.
/// </summary>
public sealed class InferenceProxy : IAsyncDisposable
{
    private readonly WebApplication app;

    private InferenceProxy(WebApplication app) => this.app = app;

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public string Url => app.Urls.First();

    /// <summary>Starts listening on <paramref name="url"/> (port 0 picks a free one).</summary>
    public static async Task<InferenceProxy> StartAsync(InferenceRouter router, string url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(router);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapGet("/v1/models", (CancellationToken ct) => ModelsAsync(router, ct));
        app.MapPost("/v1/chat/completions", (HttpContext http, CancellationToken _) => CompleteAsync(router, http));
        await app.StartAsync(cancellationToken);
        return new InferenceProxy(app);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => app.DisposeAsync();

    // The model list is free: the first provider that answers names what is served.
    private static async Task<IResult> ModelsAsync(InferenceRouter router, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var failures = new List<string>();
        foreach (var provider in await router.RankAsync(cancellationToken))
        {
            try
            {
                using var response = await http.GetAsync(new Uri(new Uri(provider), "v1/models"), cancellationToken);
                if (response.IsSuccessStatusCode) return Results.Content(await response.Content.ReadAsStringAsync(cancellationToken), "application/json");
                failures.Add($"{provider}: {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failures.Add($"{provider}: {e.Message}");
            }
        }
        return Error(StatusCodes.Status502BadGateway, $"No provider listed its models: {string.Join("; ", failures)}", "provider_error");
    }

    private static async Task<IResult> CompleteAsync(InferenceRouter router, HttpContext http)
    {
        JsonObject? request;
        try
        {
            request = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            request = null;
        }
        if (request is null) return Error(StatusCodes.Status400BadRequest, "The body must be a JSON object of a chat completion request.", "invalid_request_error");
        var response = http.Response;
        var started = false;
        try
        {
            var answer = await router.CompleteAsync(request, async (data, ct) =>
            {
                if (!started)
                {
                    // Headers go out with the first event, so a request no provider answers is still a plain 502.
                    started = true;
                    response.ContentType = "text/event-stream";
                    response.Headers.CacheControl = "no-cache";
                }
                await response.WriteAsync($"data: {data}\n\n", ct);
                await response.Body.FlushAsync(ct);
            }, http.RequestAborted);
            if (started) return Results.Empty;
            response.Headers["X-L402-Provider"] = answer.Provider;
            if (answer.Payment is { } paid) response.Headers["X-L402-Payment-Hash"] = paid.PaymentHash.ToHex();
            return Results.Content(answer.Body, "application/json", Encoding.UTF8, (int)answer.Status);
        }
        catch (InferenceUnavailableException e)
        {
            if (!started) return Error(StatusCodes.Status502BadGateway, e.Message, "provider_error");
            await response.WriteAsync($"data: {JsonSerializer.Serialize(new { error = new { message = e.Message, type = "provider_error" } })}\n\n", http.RequestAborted);
            return Results.Empty;
        }
        catch (L402.Client.L402PaymentRefusedException e)
        {
            return Error(StatusCodes.Status402PaymentRequired, $"Not paid: {e.Message}", "payment_refused");
        }
    }

    private static IResult Error(int status, string message, string type) =>
        Results.Json(new { error = new { message, type, param = (string?)null, code = (string?)null } }, statusCode: status);
}
