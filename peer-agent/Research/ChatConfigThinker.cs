using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.PeerAgent.Bounties;

namespace L402Train.PeerAgent.Research;

/// <summary>
/// THINK with a model: asks an OpenAI-compatible chat endpoint (paid over L402 by the handler in its
/// <see cref="HttpClient"/>, as the bounty agent's improver is) for the next config as a JSON object,
/// given the best config, its val_bpb and the history. A reply that is not a usable, untried config is
/// sent back with the reason; after <paramref name="maxAttempts"/> the climb proposes instead, so a
/// silent or confused model never stops the loop.
/// </summary>
public sealed class ChatConfigThinker(HttpClient http, Uri baseUrl, string model, ResearchExperiment experiment, IResearchThinker fallback, IProgress<string>? progress = null, int maxAttempts = 3)
    : IResearchThinker
{
    private const string SystemPrompt =
        "You tune the training config of a small GPT to minimise val_bpb (held-out bits per byte; lower is better). " +
        "Each run costs money, so propose one promising change of one to three fields. Reply with exactly one JSON object, the whole config, in a ```json fenced block.";

    /// <inheritdoc />
    public async Task<ResearchIdea?> ThinkAsync(ResearchState state, IReadOnlyList<ResearchResult> history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(history);
        if (state.BestConfig is not { } best) return await fallback.ThinkAsync(state, history, cancellationToken);
        var tried = state.Tried.ToHashSet(StringComparer.Ordinal);
        var messages = new List<object> { new { role = "system", content = SystemPrompt }, new { role = "user", content = Prompt(best, state.BestValBpb, history) } };
        for (var attempt = 0; attempt < maxAttempts; attempt++)
        {
            string reply;
            try
            {
                reply = await CompleteAsync(messages, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or BountyApiException or L402.Client.L402PaymentRefusedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                progress?.Report($"THINK: the improver failed ({e.Message}); the hill climb proposes instead");
                return await fallback.ThinkAsync(state, history, cancellationToken);
            }
            var (config, problem) = Read(reply, tried);
            if (config is not null)
            {
                var changed = config.Where(p => !JsonNode.DeepEquals(p.Value, best[p.Key])).Select(p => $"{p.Key}={p.Value?.ToJsonString()}");
                return new ResearchIdea(config, "improver: " + string.Join(", ", changed), null);
            }
            messages.Add(new { role = "assistant", content = reply });
            messages.Add(new { role = "user", content = $"That reply cannot be used: {problem}. Reply with one corrected JSON object in a ```json block." });
        }
        progress?.Report($"THINK: the improver gave no usable config in {maxAttempts} tries; the hill climb proposes instead");
        return await fallback.ThinkAsync(state, history, cancellationToken);
    }

    /// <summary>The config in <paramref name="reply"/>: the first fenced block (or the whole reply) that parses as a JSON object the experiment accepts and has not run.</summary>
    public (JsonObject? Config, string? Problem) Read(string reply, IReadOnlySet<string> tried)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(tried);
        var text = reply;
        var fence = reply.IndexOf("```", StringComparison.Ordinal);
        if (fence >= 0)
        {
            var start = reply.IndexOf('\n', fence);
            var end = start < 0 ? -1 : reply.IndexOf("```", start, StringComparison.Ordinal);
            if (end > start) text = reply[(start + 1)..end];
        }
        JsonObject? config;
        try
        {
            config = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException e)
        {
            return (null, $"it holds no JSON object ({e.Message})");
        }
        if (config is null) return (null, "it holds no JSON object");
        try
        {
            experiment.Request(config);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }
        return tried.Contains(ConfigKey.Of(config)) ? (null, "that config has run already") : (config, null);
    }

    private static string Prompt(JsonObject best, double? bestValBpb, IReadOnlyList<ResearchResult> history)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Best config so far (val_bpb {bestValBpb?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "unknown"}):\n{best.ToJsonString()}\n");
        if (history.Count > 0)
        {
            sb.Append("Earlier runs (newest last):\n");
            foreach (var r in history.TakeLast(12))
                sb.Append(CultureInfo.InvariantCulture, $"- {r.Move}: val_bpb {r.ValBpb?.ToString("0.0000", CultureInfo.InvariantCulture) ?? r.Status}\n");
        }
        return sb.ToString();
    }

    private async Task<string> CompleteAsync(List<object> messages, CancellationToken cancellationToken)
    {
        var url = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/v1/chat/completions");
        using var response = await http.PostAsJsonAsync(url, new { model, messages, temperature = 0.7 }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new BountyApiException($"the improver {url} answered {(int)response.StatusCode}: {(body.Length > 300 ? body[..300] : body)}", response.StatusCode);
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString() ?? "";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new BountyApiException($"the improver {url} answered something that is not a chat completion: {e.Message}", response.StatusCode);
        }
    }
}
