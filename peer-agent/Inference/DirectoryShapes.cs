using System.Text.Json;

namespace L402Train.PeerAgent.Inference;

/// <summary>The answer shapes of <c>GET /api/v1/services</c> that <c>discover</c> reads.</summary>
public enum DirectoryShape
{
    /// <summary>An answer with no service to tell the shape by (an empty list).</summary>
    Unknown,

    /// <summary>
    /// satring's <c>ServiceListOut</c> (and this project's own directory): each service has
    /// <c>categories</c>, an array of <c>{id,name,slug,description}</c>, and <c>pricing_sats</c>.
    /// </summary>
    Satring,

    /// <summary>
    /// 402index's list: each service has one <c>category</c> slug string, <c>protocol</c>
    /// (<c>L402</c>, <c>x402</c> or <c>MPP</c>), <c>price_sats</c> (and <c>price_usd</c>), <c>http_method</c>
    /// and the index's own health measurements (<c>health_status</c>, <c>uptime_30d</c>, <c>latency_p50_ms</c>).
    /// </summary>
    Index402,
}

/// <summary>A directory that answered: the shape its list was read in and how many of its services were kept.</summary>
/// <param name="Source">The directory's base URL.</param>
/// <param name="Shape">The shape told from the answer.</param>
/// <param name="Kept">Services in the category (and, for 402index, of the L402 protocol) with an http(s) URL.</param>
public sealed record DirectoryListing(string Source, DirectoryShape Shape, int Kept);

/// <summary>
/// Reads a directory's service list in whichever shape it answered. The shape is told from the
/// services themselves, not from the host, so a mirror or a self-hosted copy of either directory
/// reads the same: a <c>categories</c> array is satring's, a <c>category</c> string is 402index's.
/// </summary>
public static class DirectoryShapes
{
    /// <summary>
    /// The services of <paramref name="root"/> in <paramref name="category"/> that this client can pay
    /// (L402 only: 402index also lists x402 and MPP services); entries without an http(s) URL are skipped.
    /// </summary>
    /// <exception cref="JsonException">The answer has no <c>services</c> array.</exception>
    public static (DirectoryShape Shape, List<DiscoveryCandidate> Found) Read(JsonElement root, string source, string category)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("services", out var services) || services.ValueKind != JsonValueKind.Array)
            throw new JsonException("not a service list (no \"services\" array)");
        var entries = services.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).ToList();
        var shape = ShapeOf(entries);
        var found = new List<DiscoveryCandidate>();
        foreach (var service in entries)
        {
            if (!service.TryGetProperty("url", out var u) || u.ValueKind != JsonValueKind.String || !Uri.TryCreate(u.GetString(), UriKind.Absolute, out var url)
                || url.Scheme is not ("http" or "https")) continue;
            // Under the slug the directory was asked for (ai/inference for "inference") or the category as given.
            if (!Slugs(service).Any(s => DiscoveryClient.InCategory(s, category) || DiscoveryClient.InCategory(s, DiscoveryClient.DirectorySlug(category)))) continue;
            // 402index names the protocol of each entry; satring lists L402 services only.
            if (service.TryGetProperty("protocol", out var protocol) && protocol.ValueKind == JsonValueKind.String
                && !string.Equals(protocol.GetString(), "L402", StringComparison.OrdinalIgnoreCase)) continue;
            var method = service.TryGetProperty("http_method", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 and <= 16 } named
                && named.All(char.IsAsciiLetter) ? HttpMethod.Parse(named.ToUpperInvariant()) : DiscoveryClient.DefaultMethod(url);
            found.Add(new DiscoveryCandidate(url, method, Price(service), source));
        }
        return (shape, found);
    }

    private static DirectoryShape ShapeOf(List<JsonElement> services)
    {
        foreach (var service in services)
        {
            if (service.TryGetProperty("categories", out var list) && list.ValueKind == JsonValueKind.Array) return DirectoryShape.Satring;
            if (service.TryGetProperty("category", out var one) && one.ValueKind == JsonValueKind.String) return DirectoryShape.Index402;
        }
        return DirectoryShape.Unknown;
    }

    // Each entry is read by what it carries, so a list that mixes the two (a merged mirror) still reads.
    private static IEnumerable<string> Slugs(JsonElement service)
    {
        if (service.TryGetProperty("categories", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in list.EnumerateArray())
            {
                if (c.ValueKind == JsonValueKind.Object && c.TryGetProperty("slug", out var slug) && slug.ValueKind == JsonValueKind.String) yield return slug.GetString()!;
            }
        }
        if (service.TryGetProperty("category", out var one) && one.ValueKind == JsonValueKind.String) yield return one.GetString()!;
    }

    // satring's pricing_sats or 402index's price_sats; a fractional or absent price is unknown (the probe reads the real one).
    private static long? Price(JsonElement service) =>
        (service.TryGetProperty("pricing_sats", out var p) || service.TryGetProperty("price_sats", out p)) && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var sat)
            ? sat : null;
}
