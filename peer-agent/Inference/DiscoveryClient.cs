using System.Text.Json;
using L402Train.Protocol.Discovery;

namespace L402Train.PeerAgent.Inference;

/// <summary>
/// <c>peer-agent discover</c>: reads directories (<c>GET /api/v1/services?category=</c>, in satring's
/// or 402index's shape, see <see cref="DirectoryShapes"/>) and coordinators (<c>/.well-known/ai.json</c>), keeps the services of one category,
/// deduplicates them by URL, probes each with <see cref="L402Probe"/> (never paying) and ranks them
/// by the router's rule (<see cref="ProviderRanking"/>) from the history in <c>providers.json</c>.
/// A source or service that cannot be read is reported, never thrown.
/// </summary>
public static class DiscoveryClient
{
    private const string ChatPath = "v1/chat/completions";

    /// <summary>Finds, probes and ranks the services of <paramref name="category"/>.</summary>
    /// <param name="http">The client to read and probe with; it carries no payment handler, so nothing can be paid.</param>
    /// <param name="directories">Directory base URLs (their <c>api/v1/services</c> is read).</param>
    /// <param name="coordinators">Coordinator base URLs (their <c>.well-known/ai.json</c> is read).</param>
    /// <param name="category">A category slug (<c>ai/inference</c>) or its last segment (<c>inference</c>).</param>
    /// <param name="history">Measured provider history to rank by, or null.</param>
    /// <param name="cancellationToken">Stops the whole discovery.</param>
    /// <param name="time">The clock probes are timed with (default the system's).</param>
    public static async Task<DiscoveryReport> DiscoverAsync(HttpClient http, IReadOnlyList<Uri> directories, IReadOnlyList<Uri> coordinators, string category,
        ProviderHistory? history, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(coordinators);
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        var unreachable = new List<UnreachableSource>();
        var candidates = new List<DiscoveryCandidate>();
        var listings = new List<DirectoryListing>();
        foreach (var directory in directories)
        {
            var read = await ReadSourceAsync(http, ServicesUrl(directory, category), json =>
            {
                var (shape, found) = DirectoryShapes.Read(json, directory.AbsoluteUri, category);
                listings.Add(new DirectoryListing(directory.AbsoluteUri, shape, found.Count));
                return found;
            }, cancellationToken);
            if (read.Error is { } error) unreachable.Add(new UnreachableSource(directory.AbsoluteUri, error));
            candidates.AddRange(read.Found);
        }
        foreach (var coordinator in coordinators)
        {
            var read = await ReadSourceAsync(http, new Uri(coordinator, ".well-known/ai.json"), json => FromAiDocument(json, coordinator.AbsoluteUri, category), cancellationToken);
            if (read.Error is { } error) unreachable.Add(new UnreachableSource(coordinator.AbsoluteUri, error));
            candidates.AddRange(read.Found);
        }
        // The first listing of a URL wins: the same service seen in a directory and at its coordinator is one service.
        var unique = candidates.DistinctBy(c => c.Url.AbsoluteUri, StringComparer.Ordinal).ToList();
        var measured = history is null ? new Dictionary<string, ProviderRecord>() : await history.ReadAsync(cancellationToken);
        var probed = await Task.WhenAll(unique.Select(c => ProbeAsync(http, c, measured.GetValueOrDefault(HistoryKey(c.Url)), time, cancellationToken)));
        var reachable = probed.Where(s => s.Reachable).ToDictionary(s => s.Candidate.Url.AbsoluteUri, StringComparer.Ordinal);
        var ranking = ProviderRanking.Rank(reachable.Keys,
            reachable.Values.Where(s => s.Measured is not null).ToDictionary(s => s.Candidate.Url.AbsoluteUri, s => s.Measured!, StringComparer.Ordinal));
        return new DiscoveryReport([.. ranking.Select(url => reachable[url]), .. probed.Where(s => !s.Reachable)], unreachable) { Directories = listings };
    }

    /// <summary>
    /// The key the router's history uses for a service: the provider's base URL (with its slash) for a
    /// chat completions URL, since the router is given base URLs; the URL itself otherwise.
    /// </summary>
    public static string HistoryKey(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = url.GetLeftPart(UriPartial.Path);
        return text.EndsWith("/" + ChatPath, StringComparison.Ordinal) ? text[..^ChatPath.Length] : url.AbsoluteUri;
    }

    /// <summary>True when <paramref name="slug"/> is <paramref name="category"/>, under it, or ends with it as a segment.</summary>
    public static bool InCategory(string slug, string category)
    {
        ArgumentNullException.ThrowIfNull(slug);
        ArgumentNullException.ThrowIfNull(category);
        return slug.Equals(category, StringComparison.OrdinalIgnoreCase) || slug.StartsWith(category + "/", StringComparison.OrdinalIgnoreCase)
            || slug.EndsWith("/" + category, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The slug a directory is asked for: a bare name is sent as <c>ai/&lt;name&gt;</c>, since directories
    /// match <c>?category=</c> as a slug prefix and the listed categories live under <c>ai/</c>.
    /// </summary>
    public static string DirectorySlug(string category)
    {
        ArgumentNullException.ThrowIfNull(category);
        return category.Contains('/', StringComparison.Ordinal) ? category : "ai/" + category;
    }

    // protocol=L402 is 402index's filter (it also lists x402 and MPP services, which this client cannot pay); satring ignores it.
    private static Uri ServicesUrl(Uri directory, string category) =>
        new(directory, $"api/v1/services?category={Uri.EscapeDataString(DirectorySlug(category))}&protocol=L402");

    private static async Task<(List<DiscoveryCandidate> Found, string? Error)> ReadSourceAsync(HttpClient http, Uri url, Func<JsonElement, List<DiscoveryCandidate>> read,
        CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            if (!response.IsSuccessStatusCode) return ([], $"{url.AbsolutePath} answered {(int)response.StatusCode}");
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return (read(json.RootElement), null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // InvalidOperationException: a JSON value of another kind than the shape says (GetString on a number).
            return ([], e is OperationCanceledException ? "no answer in time" : e.Message);
        }
    }

    // The coordinator's ai.json: endpoints whose capability is the category's last segment (inference → the inference capability).
    private static List<DiscoveryCandidate> FromAiDocument(JsonElement root, string source, string category)
    {
        var document = root.Deserialize<AiDocument>() ?? throw new JsonException("an empty ai.json");
        if (!Uri.TryCreate(document.Url.EndsWith('/') ? document.Url : document.Url + "/", UriKind.Absolute, out var origin)) throw new JsonException($"ai.json url '{document.Url}' is not absolute");
        var capability = category[(category.LastIndexOf('/') + 1)..];
        return [.. (document.Endpoints ?? [])
            .Where(e => e.Capability is not null && e.Capability.Equals(capability, StringComparison.OrdinalIgnoreCase) && !e.Path.Contains('{', StringComparison.Ordinal))
            .Select(e => new DiscoveryCandidate(new Uri(origin, e.Path.TrimStart('/')), HttpMethod.Parse(e.Method.ToUpperInvariant()), e.PriceSats, source))];
    }

    internal static HttpMethod DefaultMethod(Uri url) => url.AbsolutePath.TrimEnd('/').EndsWith("/chat/completions", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get;

    private static async Task<DiscoveredService> ProbeAsync(HttpClient http, DiscoveryCandidate candidate, ProviderRecord? history, TimeProvider time, CancellationToken cancellationToken)
    {
        if (candidate.Url.OriginalString.Contains('{', StringComparison.Ordinal) || candidate.Url.AbsoluteUri.Contains("%7B", StringComparison.OrdinalIgnoreCase))
            return new DiscoveredService(candidate, null, "a URL template; not probed", history);
        var chat = DefaultMethod(candidate.Url) == HttpMethod.Post && candidate.Method == HttpMethod.Post;
        try
        {
            var started = time.GetTimestamp();
            var offer = await L402Probe.ProbeAsync(http, candidate.Url, candidate.Method, chat ? L402Probe.ChatProbeBody : null, cancellationToken);
            return new DiscoveredService(candidate, offer, offer.Status == 402 ? null : $"answered {offer.Status}, not an L402 challenge", history)
            {
                ProbeMs = time.GetElapsedTime(started).TotalMilliseconds,
            };
        }
        catch (Exception e) when (e is HttpRequestException or FormatException or ArgumentException or InvalidOperationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // A listed service is someone else's server: a dead host or an unreadable invoice is a row of the report.
            return new DiscoveredService(candidate, null, e is OperationCanceledException ? "no answer in time" : $"unreachable: {e.Message}", history);
        }
    }
}
