using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace L402Train.Silo.Tests.Fuzz;

/// <summary>An operation of the OpenAPI document: its method, route template and parameters.</summary>
internal sealed record FuzzEndpoint(string Method, string Template, IReadOnlyList<string> PathParameters, IReadOnlyList<string> QueryParameters)
{
    /// <summary>Reads every operation of an OpenAPI 3 document.</summary>
    public static IReadOnlyList<FuzzEndpoint> FromOpenApi(JsonElement document)
    {
        var endpoints = new List<FuzzEndpoint>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];
                endpoints.Add(new FuzzEndpoint(operation.Name.ToUpperInvariant(), path.Name,
                    [.. parameters.Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()!)],
                    [.. parameters.Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!)]));
            }
        }
        return endpoints;
    }
}

/// <summary>Real values the fuzz mixes in so requests get past the first checks: a node, its macaroon, a bounty, invoices.</summary>
internal sealed record FuzzTargets(string Node, string NodeMacaroonHex, string BountyId, string Bolt11, string PaymentHashHex, string ValidBountyJson);

/// <summary>One generated request. <paramref name="OddContentLength"/> set: sent over a raw socket with that Content-Length header.</summary>
internal sealed record FuzzRequest(
    int Index, string Method, string PathAndQuery, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body, string? ContentType, string? OddContentLength)
{
    public override string ToString() =>
        $"#{Index} {Method} {(PathAndQuery.Length > 160 ? PathAndQuery[..160] + "…" : PathAndQuery)} body {Body?.Length ?? 0} B"
        + (OddContentLength is null ? "" : $" Content-Length '{OddContentLength}'")
        + (Body is { Length: > 0 and <= 300 } b ? $": {System.Text.Encoding.UTF8.GetString(b).ReplaceLineEndings(" ")}" : "");
}

/// <summary>
/// Random requests over the endpoints: request <c>i</c> of seed <c>s</c> is always the same (its own
/// PRNG seeded from both), so a failure is replayed from the printed seed and index alone.
/// </summary>
internal sealed class FuzzRequestGenerator(int seed, IReadOnlyList<FuzzEndpoint> endpoints, FuzzTargets targets)
{
    // Field names the API and the LND facade read, so JSON-ish bodies reach the field checks.
    private static readonly string[] Fields =
    [
        "title", "description", "metric", "direction", "eval_command", "target_files", "baseline_tarball", "held_out_tarball", "total_sats",
        "deadline", "rate_sats_per_unit", "min_improvement", "max_diff_bytes", "forbidden_patterns", "eval_timeout_s", "eval_memory_mb",
        "repeats", "commitment", "agent", "diff", "base_version", "claimed_score", "nonce", "invoice", "value", "value_msat", "memo", "expiry",
        "hash", "preimage", "payment_request", "payment_hash", "r_hash", "timeout_seconds", "fee_limit_sat", "fee_limit_msat", "amt",
        "amt_msat", "cltv_expiry", "private", "no_inflight_updates", "name", "balance_sat",
    ];

    private static readonly string[] ContentTypes =
        ["application/json", "application/json; charset=utf-8", "application/octet-stream", "text/plain", "multipart/form-data; boundary=x", "junk/\u00e9", ";;;", "application/json; charset=ebcdic"];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    public FuzzRequest Next(int index)
    {
        var rng = new Random(Mix(seed, index));
        var endpoint = endpoints[rng.Next(endpoints.Count)];
        var method = rng.Next(20) == 0 ? Pick(rng, Methods) : endpoint.Method;
        var path = endpoint.Template;
        foreach (var name in endpoint.PathParameters) path = path.Replace("{" + name + "}", PathValue(rng, name), StringComparison.Ordinal);
        var query = new List<string>();
        foreach (var name in endpoint.QueryParameters.Where(_ => rng.Next(3) > 0)) query.Add($"{name}={Uri.EscapeDataString(QueryValue(rng, name))}");
        if (rng.Next(8) == 0) query.Add($"{Uri.EscapeDataString(Junk(rng, 1, 12))}={Uri.EscapeDataString(Junk(rng, 0, 40))}");
        if (query.Count > 0) path += "?" + string.Join('&', query);

        var headers = Headers(rng);
        byte[]? body = null;
        string? contentType = null;
        if (method is "POST" or "PUT" or "PATCH" || rng.Next(10) == 0)
        {
            body = Body(rng, endpoint);
            contentType = rng.Next(4) > 0 ? "application/json" : rng.Next(5) == 0 ? null : Pick(rng, ContentTypes);
        }
        var odd = rng.Next(33) == 0 ? OddContentLength(rng, body?.Length ?? 0) : null;
        return new FuzzRequest(index, method, path, headers, body, contentType, odd);
    }

    /// <summary>
    /// A request for a route behind a hold deposit (<c>PUT /gradient</c>) that the fuzz pays for, so its
    /// body and headers reach the handler past the L402 gate: random payloads, junk peer names.
    /// </summary>
    public FuzzRequest NextPaid(int index)
    {
        var rng = new Random(Mix(seed ^ 0x5A5A5A5A, index));
        var headers = new List<KeyValuePair<string, string>>();
        if (rng.Next(3) > 0) headers.Add(new("X-L402Train-Peer", rng.Next(3) == 0 ? new string('p', rng.Next(200, 9000)) : Junk(rng, 0, 80)));
        var body = rng.Next(20) switch
        {
            0 => [],
            1 => new byte[rng.Next(64 << 10, 3 << 20)],
            < 8 => Encoding.UTF8.GetBytes(RandomJson(rng, 0).ToJsonString()),
            _ => RandomBytes(rng, rng.Next(1, 20_000)),
        };
        return new FuzzRequest(index, "PUT", "/gradient", headers, body, Pick(rng, ContentTypes), null);
    }

    private string PathValue(Random rng, string name) => rng.Next(10) switch
    {
        < 5 => name switch
        {
            "node" => rng.Next(3) == 0 ? "coordinator" : targets.Node,
            "id" => rng.Next(3) == 0 ? Hex(rng, 64) : targets.BountyId,
            "n" => Pick(rng, ["0", "1", "2", "-1", "2147483648", "99999999999999999999999", "1e3", "0x10"]),
            "rHashStr" or "paymentHash" => rng.Next(2) == 0 ? targets.PaymentHashHex : Hex(rng, rng.Next(0, 80)),
            "rHash" => Uri.EscapeDataString(Convert.ToBase64String(Convert.FromHexString(targets.PaymentHashHex)).Replace('+', '-').Replace('/', '_')),
            "payReq" => rng.Next(2) == 0 ? targets.Bolt11 : Mutate(rng, targets.Bolt11),
            _ => Hex(rng, 64),
        },
        < 8 => Uri.EscapeDataString(Junk(rng, 1, 60)),
        8 => new string('a', rng.Next(1000, 9000)),
        _ => Pick(rng, ["%00", "..", "%2e%2e", "%2F", "-", "0", "%ff%fe", "%E2%80%AE", "x%0d%0aSet-Cookie:%20a=b"]),
    };

    private string QueryValue(Random rng, string name) => (name, rng.Next(6)) switch
    {
        ("wait", < 3) => Pick(rng, ["0", "1", "-1", "2147483648", "abc", "1.5", "", "99999999999"]),
        ("status", < 3) => Pick(rng, ["active", "closed", "awaiting_funding", "ACTIVE", "", "null"]),
        (_, < 5) => Junk(rng, 0, 50),
        _ => new string('9', rng.Next(100, 3000)),
    };

    private List<KeyValuePair<string, string>> Headers(Random rng)
    {
        var headers = new List<KeyValuePair<string, string>>();
        switch (rng.Next(6))
        {
            case 0: headers.Add(new("Authorization", "L402 " + Junk(rng, 0, 200))); break;
            case 1: headers.Add(new("Authorization", $"L402 {Base64(rng, rng.Next(0, 400))}:{Hex(rng, rng.Next(0, 80))}")); break;
            case 2: headers.Add(new("Authorization", Pick(rng, ["LSAT ", "Bearer ", "Basic ", "L402", "l402 ", ""]) + Base64(rng, rng.Next(0, 300)))); break;
            case 3: headers.Add(new("Authorization", $"L402 {Base64(rng, 100)}:{Hex(rng, 64)},{Base64(rng, 50)}:")); break;
            default: break;
        }
        if (rng.Next(3) == 0) headers.Add(new("X-L402Train-Peer", rng.Next(4) == 0 ? new string('p', rng.Next(100, 5000)) : Junk(rng, 0, 80)));
        if (rng.Next(3) == 0) headers.Add(new("Grpc-Metadata-macaroon", rng.Next(2) == 0 ? targets.NodeMacaroonHex : Hex(rng, rng.Next(0, 300))));
        if (rng.Next(10) == 0) headers.Add(new(Pick(rng, ["Accept", "Accept-Encoding", "If-None-Match", "Range", "Expect", "X-Forwarded-For"]), Junk(rng, 0, 100)));
        return headers;
    }

    private byte[] Body(Random rng, FuzzEndpoint endpoint) => rng.Next(200) switch
    {
        0 => new byte[rng.Next(64 << 10, 3 << 20)], // huge: past every body limit
        < 10 => Encoding.UTF8.GetBytes(new string('{', rng.Next(1, 5000))), // deep nesting
        < 50 => RandomBytes(rng, rng.Next(0, 2000)),
        < 120 => Encoding.UTF8.GetBytes(RandomJson(rng, depth: 0).ToJsonString()),
        _ => Encoding.UTF8.GetBytes(MutatedValid(rng, endpoint).ToJsonString()),
    };

    // A body the route would accept, with some fields replaced by random values, removed or added.
    private JsonObject MutatedValid(Random rng, FuzzEndpoint endpoint)
    {
        var valid = endpoint.Template switch
        {
            "/bounties" => JsonNode.Parse(targets.ValidBountyJson)!.AsObject(),
            "/bounty/{id}/commit" => new JsonObject { ["commitment"] = Hex(rng, 64), ["agent"] = "fuzz" },
            "/bounty/{id}/submit" => new JsonObject { ["diff"] = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", ["base_version"] = 1, ["claimed_score"] = 0.5, ["nonce"] = Hex(rng, 32), ["agent"] = "fuzz" },
            "/simnet/{node}/v1/invoices" => new JsonObject { ["value"] = "1000", ["memo"] = "fuzz", ["expiry"] = "3600" },
            "/simnet/{node}/v2/invoices/hodl" => new JsonObject { ["hash"] = Convert.ToBase64String(RandomBytes(rng, 32)), ["value"] = "1000", ["cltv_expiry"] = "80" },
            "/simnet/{node}/v2/invoices/settle" => new JsonObject { ["preimage"] = Convert.ToBase64String(RandomBytes(rng, 32)) },
            "/simnet/{node}/v2/invoices/cancel" => new JsonObject { ["payment_hash"] = Convert.ToBase64String(RandomBytes(rng, 32)) },
            "/simnet/{node}/v2/router/send" => new JsonObject { ["payment_request"] = targets.Bolt11, ["timeout_seconds"] = 5, ["fee_limit_sat"] = "10" },
            "/simnet/nodes" => new JsonObject { ["name"] = Junk(rng, 1, 20), ["balance_sat"] = rng.Next(0, 1_000_000) },
            _ => new JsonObject { ["invoice"] = targets.Bolt11 },
        };
        var keys = valid.Select(p => p.Key).ToList();
        for (var i = rng.Next(1, 4); i > 0 && keys.Count > 0; i--)
        {
            var key = Pick(rng, keys);
            if (rng.Next(4) == 0) valid.Remove(key);
            else valid[key] = RandomValue(rng, 1);
        }
        if (rng.Next(4) == 0) valid[Pick(rng, Fields)] = RandomValue(rng, 1);
        return valid;
    }

    private static JsonNode RandomJson(Random rng, int depth)
    {
        var obj = new JsonObject();
        for (var i = rng.Next(0, 6); i > 0; i--) obj[rng.Next(8) == 0 ? Junk(rng, 0, 20) : Pick(rng, Fields)] = RandomValue(rng, depth + 1);
        return obj;
    }

    private static JsonNode? RandomValue(Random rng, int depth) => rng.Next(depth > 3 ? 9 : 12) switch
    {
        0 => null,
        1 => JsonValue.Create(rng.Next(2) == 0),
        2 => JsonValue.Create(Pick(rng, new long[] { 0, -1, 1, long.MaxValue, long.MinValue, int.MaxValue + 1L, 2_100_000_000_000_000, 9_300_000_000_000_000 })),
        3 => JsonValue.Create(Pick(rng, new[] { 1e308, -1e308, 0.5, -0.0, double.Epsilon, 1e-300, 4294967296.5 })),
        4 => JsonValue.Create(Pick(rng, ["NaN", "Infinity", "-1", "1e999", "99999999999999999999999999", "0x10", "", " ", "null"])),
        5 => JsonValue.Create(new string('x', rng.Next(100, 70_000))),
        6 or 7 => JsonValue.Create(Junk(rng, 0, 60)),
        8 => JsonValue.Create(Pick(rng, ["2026-12-05T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "yesterday", "maximize", "minimize"])),
        9 => new JsonArray([.. Enumerable.Range(0, rng.Next(0, 5)).Select(_ => RandomValue(rng, depth + 1))]),
        _ => RandomJson(rng, depth + 1),
    };

    private static string OddContentLength(Random rng, int length) => rng.Next(7) switch
    {
        0 => (length + rng.Next(1, 1000)).ToString(System.Globalization.CultureInfo.InvariantCulture), // more than is sent
        1 => Math.Max(0, length - rng.Next(1, 50)).ToString(System.Globalization.CultureInfo.InvariantCulture), // less: the rest is a junk next request
        2 => "-1",
        3 => "abc",
        4 => "99999999999999999999",
        5 => $"{length}, {length + 1}",
        _ => " " + length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\t",
    };

    private static string Mutate(Random rng, string text)
    {
        var chars = text.ToCharArray();
        for (var i = rng.Next(1, 4); i > 0; i--) chars[rng.Next(chars.Length)] = (char)rng.Next('0', 'z');
        return new string(chars, 0, rng.Next(2) == 0 ? chars.Length : rng.Next(chars.Length));
    }

    private static string Junk(Random rng, int min, int max)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~:/?#[]@!$&'()*+,;=% \"<>\\^`{|}\u00e9\u4e2d\u202e";
        var sb = new StringBuilder();
        for (var i = rng.Next(min, max + 1); i > 0; i--) sb.Append(alphabet[rng.Next(alphabet.Length)]);
        return sb.ToString();
    }

    private static string Hex(Random rng, int length) => Convert.ToHexStringLower(RandomBytes(rng, (length + 1) / 2))[..length];

    private static string Base64(Random rng, int bytes) => Convert.ToBase64String(RandomBytes(rng, bytes));

    private static byte[] RandomBytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    // SplitMix64 of (seed, index): fixed arithmetic, not HashCode (randomised per process), so a seed replays anywhere.
    private static int Mix(int seed, int index)
    {
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];
}
