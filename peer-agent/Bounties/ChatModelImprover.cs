using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Shipped;

namespace L402Train.PeerAgent.Bounties;

/// <summary>Settings of <see cref="ChatModelImprover"/>.</summary>
/// <param name="BaseUrl">The endpoint's base URL; requests go to <c>{base}/v1/chat/completions</c>.</param>
/// <param name="Model">The model name sent in each request.</param>
/// <param name="ApiKey">Sent as <c>Authorization: Bearer</c> when given (an L402-priced endpoint needs none: the handler pays).</param>
/// <param name="Task">What the bounty asks for, in words (title, description, metric).</param>
/// <param name="Policy">The bounty's diff rules: a reply is applied exactly as the validator would apply it.</param>
/// <param name="MaxAttempts">Requests per proposal: a reply without a usable diff is sent back with the reason.</param>
/// <param name="HistoryLines">How many earlier steps the prompt lists.</param>
public sealed record ChatModelOptions(Uri BaseUrl, string Model, string? ApiKey, string Task, DiffPolicy Policy, int MaxAttempts = 3, int HistoryLines = 12);

/// <summary>
/// An improver that asks any OpenAI-compatible chat endpoint for a unified diff: the prompt holds
/// the task, the target files, the current score and the history; the reply's fenced diff is
/// screened and applied by the same strict parser and policy a validator uses. The HttpClient
/// given to it may carry the L402 handler, so an endpoint priced with L402 gets paid.
/// </summary>
public sealed class ChatModelImprover(HttpClient http, ChatModelOptions options) : IImprover
{
    private const string SystemPrompt =
        "You improve a program for a bounty that pays for a better score on a hidden test set. " +
        "Reply with exactly one unified diff (paths prefixed a/ and b/, three lines of context, exact hunk line counts) " +
        "in a ```diff fenced block, changing only the target files. Prefer small, general changes; hard-coding answers fails the hidden set.";

    private int requests;

    /// <summary>Chat requests sent so far.</summary>
    public int Requests => requests;

    /// <inheritdoc />
    public async Task<Proposal?> ProposeAsync(ImprovementContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var messages = new List<ChatMessage> { new("system", SystemPrompt), new("user", Prompt(context)) };
        for (var attempt = 0; attempt < options.MaxAttempts; attempt++)
        {
            var reply = await CompleteAsync(messages, cancellationToken);
            var (files, problem) = Apply(reply, context.BestFiles);
            if (files is not null) return new Proposal(files, Describe(reply));
            messages.Add(new("assistant", reply));
            messages.Add(new("user", $"That reply cannot be used: {problem}. Reply with one corrected unified diff in a ```diff block."));
        }
        return null;
    }

    /// <inheritdoc />
    public void Observe(Proposal proposal, double? score, bool kept)
    {
        // The history in each prompt already carries every outcome; nothing else to adapt.
    }

    /// <summary>The diff inside a reply: the first fenced block that holds one, else the reply itself when it is a bare diff.</summary>
    public static string? ExtractDiff(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var text = reply.Replace("\r\n", "\n", StringComparison.Ordinal);
        var at = 0;
        while ((at = text.IndexOf("```", at, StringComparison.Ordinal)) >= 0)
        {
            var bodyStart = text.IndexOf('\n', at);
            if (bodyStart < 0) break;
            var end = text.IndexOf("\n```", bodyStart, StringComparison.Ordinal);
            if (end < 0) break;
            var body = text[(bodyStart + 1)..(end + 1)];
            if (LooksLikeDiff(body)) return body;
            at = end + 4;
        }
        var trimmed = text.TrimStart('\n');
        return LooksLikeDiff(trimmed) ? (trimmed.EndsWith('\n') ? trimmed : trimmed + "\n") : null;
    }

    private static bool LooksLikeDiff(string text) =>
        text.StartsWith("--- ", StringComparison.Ordinal) || text.StartsWith("diff --git ", StringComparison.Ordinal) || text.Contains("\n--- ", StringComparison.Ordinal);

    private (IReadOnlyDictionary<string, string>? Files, string? Problem) Apply(string reply, IReadOnlyDictionary<string, string> best)
    {
        if (ExtractDiff(reply) is not { } diff) return (null, "it holds no unified diff");
        var scratch = Directory.CreateTempSubdirectory("l402train-llm");
        try
        {
            BountyArchive.WriteFiles(scratch.FullName, best);
            if (options.Policy.CheckAndApply(diff, scratch.FullName) is { } rejection) return (null, $"{rejection.Code}: {rejection.Message}");
            var files = best.Keys.ToDictionary(path => path, path => File.ReadAllText(Path.Combine(scratch.FullName, path)), StringComparer.Ordinal);
            return files.All(f => f.Value == best[f.Key]) ? (null, "the diff changes nothing") : (files, null);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private string Prompt(ImprovementContext context)
    {
        var sb = new StringBuilder();
        sb.Append("Task: ").Append(options.Task).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"The score should be {(context.Direction == MetricDirection.Maximize ? "higher" : "lower")}; current best: {context.BestScore:0.######}.\n");
        if (context.History.Count > 0)
        {
            sb.Append("Earlier attempts (newest last):\n");
            foreach (var step in context.History.TakeLast(options.HistoryLines))
            {
                var score = step.Score is { } s ? s.ToString("0.######", CultureInfo.InvariantCulture) : "failed";
                sb.Append(CultureInfo.InvariantCulture, $"- {step.Description}: {score}, {(step.Kept ? "kept" : "discarded")}\n");
            }
        }
        sb.Append("Target files:\n");
        foreach (var (path, text) in context.BestFiles.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            sb.Append("=== ").Append(path).Append(" ===\n").Append(text);
            if (!text.EndsWith('\n')) sb.Append('\n');
        }
        return sb.ToString();
    }

    private async Task<string> CompleteAsync(List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var url = new Uri(options.BaseUrl.AbsoluteUri.TrimEnd('/') + "/v1/chat/completions");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new { model = options.Model, messages, temperature = 0.7 }),
        };
        if (options.ApiKey is { Length: > 0 } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Interlocked.Increment(ref requests);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new BountyApiException($"the chat endpoint {url} answered {(int)response.StatusCode}: {(body.Length > 300 ? body[..300] : body)}", response.StatusCode);
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString() ?? "";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new BountyApiException($"the chat endpoint {url} answered something that is not a chat completion: {e.Message}", response.StatusCode);
        }
    }

    private string Describe(string reply)
    {
        // The model's own words before the diff, if any, make the log line; else a counter.
        var first = reply.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("```", StringComparison.Ordinal) && !LooksLikeDiff(l));
        var text = first is null ? $"llm proposal {requests}" : "llm: " + first;
        return text.Length <= 80 ? text : text[..80] + "…";
    }

    private sealed record ChatMessage(string Role, string Content);
}
