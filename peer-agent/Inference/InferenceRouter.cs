using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;

namespace L402Train.PeerAgent.Inference;

/// <summary>Where and how the router sends completions.</summary>
/// <param name="Providers">Provider base URLs (pinned with <c>--provider</c>); ranked from history before each request.</param>
/// <param name="Timeout">Most time to the answer's headers (and between streamed events) before falling back.</param>
public sealed record InferenceRouterOptions(IReadOnlyList<Uri> Providers, TimeSpan Timeout);

/// <summary>An answered completion: the upstream status and body (empty when streamed), who answered and what it cost.</summary>
public sealed record InferenceAnswer(string Provider, HttpStatusCode Status, string Body, L402PaymentReceipt? Payment, int? CompletionTokens, IReadOnlyList<string> Skipped);

/// <summary>No provider answered; <see cref="Exception.Message"/> lists why each was skipped. Nothing was paid unless <see cref="Payment"/> says so.</summary>
public sealed class InferenceUnavailableException(string message, L402PaymentReceipt? payment = null) : Exception(message)
{
    /// <summary>A payment made for this request to a provider that then failed (never followed by another).</summary>
    public L402PaymentReceipt? Payment { get; } = payment;
}

/// <summary>
/// Sends one logical chat completion to the best provider and falls back to the next on refused
/// connections, timeouts, 5xx, a stream that breaks before its first event, or a price over budget.
/// It pays 402s through the budgeted <see cref="L402PaymentHandler"/> and never pays twice for one
/// request: once a provider is paid, a second 402 or a failure is reported, not retried elsewhere.
/// Every paid answer is appended to <c>results.jsonl</c>; every attempt updates the provider history.
/// </summary>
public sealed class InferenceRouter : IDisposable
{
    // The receipts of the attempt in flight: the handler is shared (one budget, one connection pool), the attempt is not.
    private static readonly AsyncLocal<List<L402PaymentReceipt>?> Receipts = new();
    private readonly HttpClient http;
    private readonly InferenceRouterOptions options;
    private readonly ProviderHistory history;
    private readonly ProvenanceLog results;
    private readonly TimeProvider time;

    /// <summary>A router paying from <paramref name="wallet"/> within <paramref name="payment"/>'s budget.</summary>
    public InferenceRouter(ILightningNode wallet, L402ClientOptions payment, InferenceRouterOptions options, ProviderHistory history, ProvenanceLog results,
        TimeProvider? time = null, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.history = history ?? throw new ArgumentNullException(nameof(history));
        this.results = results ?? throw new ArgumentNullException(nameof(results));
        this.time = time ?? TimeProvider.System;
        // Inference tokens buy one completion each: caching them would only cost a refused round trip.
        var handler = new L402PaymentHandler(wallet, payment, new NoTokenStore(), new AttemptReceipts(), this.time) { InnerHandler = transport ?? new SocketsHttpHandler() };
        http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        Ledger = handler.Ledger;
    }

    /// <summary>What has been spent against the budget.</summary>
    public BudgetLedger Ledger { get; }

    /// <summary>The providers it routes to, as given (<c>--provider</c>).</summary>
    public IReadOnlyList<Uri> Providers => options.Providers;

    /// <summary>The measured history it ranks from (a <see cref="ProviderRefresher"/> keeps it current).</summary>
    public ProviderHistory History => history;

    /// <summary>The providers in the order the next request (for <paramref name="model"/>, when named) tries them.</summary>
    public async Task<IReadOnlyList<string>> RankAsync(CancellationToken cancellationToken, string? model = null) =>
        ProviderRanking.Rank(options.Providers.Select(Key), await history.ReadAsync(cancellationToken), model);

    /// <summary>
    /// Sends <paramref name="request"/> (an OpenAI chat completion body). With <c>stream: true</c>,
    /// each server-sent event's data (a chunk's JSON, then <c>[DONE]</c>) goes to <paramref name="onEvent"/> as it arrives.
    /// </summary>
    /// <exception cref="InferenceUnavailableException">No provider answered.</exception>
    public async Task<InferenceAnswer> CompleteAsync(JsonObject request, Func<string, CancellationToken, Task>? onEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var stream = request["stream"]?.GetValue<bool>() == true;
        if (stream && onEvent is null) throw new ArgumentException("A streamed request needs an event sink.", nameof(onEvent));
        var body = request.ToJsonString();
        var model = request["model"] is JsonValue named && named.TryGetValue(out string? name) ? name : null;
        var skipped = new List<string>();
        InferenceAnswer? refused = null;
        foreach (var provider in await RankAsync(cancellationToken, model))
        {
            var receipts = Receipts.Value = [];
            var started = time.GetTimestamp();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(options.Timeout);
            var forwarded = 0;
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(provider), "v1/chat/completions")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
                var paid = receipts.FirstOrDefault(r => r.Status == PaymentStatus.Succeeded);
                if (response.StatusCode == HttpStatusCode.PaymentRequired)
                {
                    await history.RecordFailureAsync(provider, cancellationToken);
                    if (paid is not null)
                        throw new InferenceUnavailableException($"{provider} answered 402 again after it was paid (payment hash {paid.PaymentHash.ToHex()}); not paying again.", paid);
                    skipped.Add($"{provider}: 402 without a challenge this client can pay");
                    continue;
                }
                if ((int)response.StatusCode >= 500)
                {
                    await history.RecordFailureAsync(provider, cancellationToken);
                    if (paid is not null) throw new InferenceUnavailableException($"{provider} failed with {(int)response.StatusCode} after it was paid; not paying another provider.", paid);
                    skipped.Add($"{provider}: {(int)response.StatusCode}");
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.TooManyRequests && paid is null)
                {
                    // Busy, and it says so before charging (a gateway refuses unpaid requests while every slot is taken):
                    // another provider can answer now. Not a failure of this one.
                    skipped.Add($"{provider}: 429 busy");
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.BadRequest && paid is null)
                {
                    var error = await response.Content.ReadAsStringAsync(attempt.Token);
                    if (ErrorCode(error) != "model_not_found") return new InferenceAnswer(provider, response.StatusCode, error, null, null, skipped);
                    // Another provider may serve the model: the request is not at fault, and this provider is up and right to refuse.
                    if (model is not null) await history.RecordUnservedModelAsync(provider, model, cancellationToken);
                    skipped.Add($"{provider}: does not serve model '{model}'");
                    refused = new InferenceAnswer(provider, response.StatusCode, error, null, null, skipped);
                    continue;
                }
                var latency = time.GetElapsedTime(started);
                TimeSpan? firstToken = null;
                int? tokens = null;
                var text = "";
                if (!response.IsSuccessStatusCode || !stream)
                {
                    text = await response.Content.ReadAsStringAsync(attempt.Token);
                    if (response.IsSuccessStatusCode) tokens = CompletionTokens(text);
                }
                else
                {
                    await using var content = await response.Content.ReadAsStreamAsync(attempt.Token);
                    using var reader = new StreamReader(content, Encoding.UTF8);
                    var done = false;
                    while (!done && await reader.ReadLineAsync(attempt.Token) is { } line)
                    {
                        attempt.CancelAfter(options.Timeout);
                        if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                        var data = line["data: ".Length..];
                        done = data == "[DONE]";
                        if (!done)
                        {
                            var chunk = ReadChunk(data);
                            tokens = chunk.CompletionTokens ?? tokens;
                            // The opening chunk only names the role: the first token is the first content (or the end, for an empty answer).
                            if (chunk.FirstToken) firstToken ??= time.GetElapsedTime(started);
                        }
                        await onEvent!(data, cancellationToken);
                        forwarded++;
                    }
                    if (!done) throw new HttpRequestException("The stream ended before [DONE].");
                }
                if (!response.IsSuccessStatusCode) return new InferenceAnswer(provider, response.StatusCode, text, paid, null, skipped);
                await history.RecordSuccessAsync(provider, latency, PricePer1k(paid, request), cancellationToken, firstToken, model);
                if (paid is not null)
                {
                    await results.AppendAsync(new ProvenanceEntry(results.Now, "infer", null, PaymentHash: paid.PaymentHash.ToHex(), Preimage: paid.Preimage?.ToHex(),
                        Sats: (paid.Amount + paid.Fee).ToSatsFloor().Value, Url: provider, Model: model, Tokens: tokens), cancellationToken);
                }
                return new InferenceAnswer(provider, response.StatusCode, text, paid, tokens, skipped);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                await history.RecordFailureAsync(provider, cancellationToken);
                var paid = receipts.FirstOrDefault(r => r.Status == PaymentStatus.Succeeded);
                if (forwarded > 0 || paid is not null)
                    throw new InferenceUnavailableException($"{provider} failed after {(paid is null ? "it started answering" : $"it was paid (payment hash {paid.PaymentHash.ToHex()})")}: {e.Message}", paid);
                skipped.Add($"{provider}: {(e is OperationCanceledException ? $"no answer within {options.Timeout.TotalSeconds:0}s" : e.Message)}");
            }
            catch (L402PaymentRefusedException e)
            {
                // Over budget or an unpayable challenge: this provider is skipped, and nothing was paid.
                skipped.Add($"{provider}: {e.Reason}: {e.Message}");
            }
        }
        // Every provider that answered refused the model: that is the caller's to hear, as OpenAI's own 400.
        if (refused is not null) return refused;
        throw new InferenceUnavailableException($"No provider answered: {string.Join("; ", skipped)}");
    }

    /// <inheritdoc />
    public void Dispose() => http.Dispose();

    internal static string Key(Uri provider) => provider.AbsoluteUri.EndsWith('/') ? provider.AbsoluteUri : provider.AbsoluteUri + "/";

    // One parse per streamed event: its usage count, and whether it carries generated text or the finish.
    private static (int? CompletionTokens, bool FirstToken) ReadChunk(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            int? tokens = root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                && usage.TryGetProperty("completion_tokens", out var count) && count.TryGetInt32(out var n) ? n : null;
            var first = root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array
                && choices.EnumerateArray().Any(c => c.ValueKind == JsonValueKind.Object
                    && ((c.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object
                            && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString()!.Length > 0)
                        || (c.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)));
            return (tokens, first);
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }

    // OpenAI's error body: {"error":{"message","type","param","code"}}.
    private static string? ErrorCode(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int? CompletionTokens(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                && usage.TryGetProperty("completion_tokens", out var tokens) && tokens.TryGetInt32(out var n) ? n : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double? PricePer1k(L402PaymentReceipt? paid, JsonObject request)
    {
        if (paid is null) return null;
        var maxTokens = request["max_tokens"]?.GetValue<int>() ?? 128;
        return (paid.Amount + paid.Fee).ToSatsFloor().Value * 1000.0 / Math.Max(1, maxTokens);
    }

    private sealed class AttemptReceipts : IPaymentReceiptSink
    {
        public ValueTask RecordAsync(L402PaymentReceipt receipt, CancellationToken cancellationToken = default)
        {
            Receipts.Value?.Add(receipt);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class NoTokenStore : IL402TokenStore
    {
        public ValueTask<L402CachedToken?> GetAsync(string key, CancellationToken cancellationToken = default) => ValueTask.FromResult<L402CachedToken?>(null);

        public ValueTask SetAsync(string key, L402CachedToken token, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
