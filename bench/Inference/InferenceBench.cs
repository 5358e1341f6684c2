using L402Train.Protocol.Inference;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.Gateway.Inference;
using L402Train.Grains.Training;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Inference;
using L402Train.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Bench.Inference;

/// <summary>
/// A real silo (SQLite, simnet) serving inference on loopback, a paying wallet, the router and the
/// local proxy: the figures of docs/inference.md, each measured in the same run as its baseline.
/// </summary>
internal sealed class InferenceBench : IAsyncDisposable
{
    private const int GenerateTokens = 256;
    private const int ShortTokens = 16;
    // Without the cache each token re-runs the whole context (about 6 tokens/s for `small` on a loaded core), so the
    // comparison generates fewer tokens than the served figure; both sides generate the same number.
    private const int CacheComparisonTokens = 64;
    private readonly DirectoryInfo dir;
    private readonly WebApplication app;
    private readonly ILightningNode wallet;
    private readonly HttpClient http;

    private InferenceBench(DirectoryInfo dir, WebApplication app, ILightningNode wallet)
    {
        this.dir = dir;
        this.app = app;
        this.wallet = wallet;
        http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(5) };
    }

    public static async Task<InferenceBench> StartAsync(string model)
    {
        var dir = Directory.CreateTempSubdirectory("l402-bench-inference-");
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["DataDir"] = dir.FullName, ["Urls"] = "http://127.0.0.1:0" }, new Dictionary<string, string?>(), dir.FullName);
        var app = SiloHost.Build(settings, training: new TrainingOptions(new TrainingSetup { Model = model }, new RewardSchedule()));
        await app.StartAsync();
        var network = app.Services.GetRequiredService<SimnetNetwork>();
        var wallet = network.CreateNode("bench");
        network.OpenChannel("bench", SimnetNetwork.CoordinatorName, new Sats(1_000_000).ToMilliSats(), new MilliSats(0));
        return new InferenceBench(dir, app, wallet);
    }

    public async Task<IReadOnlyList<(string Name, double Value)>> MeasureAsync(int rounds)
    {
        var figures = new List<(string, double)>();
        // Warm both paths (JIT, the checkpoint load) before anything is timed.
        await PaidCredentialAsync(Chat(ShortTokens, stream: false));
        await GenerateInProcessAsync(ShortTokens);

        // Generation: the served model through the gateway (streamed) against the same generator in-process.
        var served = new List<(double TokensPerSecond, double FirstTokenMs)>();
        var local = new List<(double TokensPerSecond, double FirstTokenMs)>();
        for (var i = 0; i < rounds; i++)
        {
            served.Add(await StreamPaidAsync(GenerateTokens));
            local.Add(await GenerateInProcessAsync(GenerateTokens));
        }
        figures.Add(("served_tokens_per_s", Median(served.Select(s => s.TokensPerSecond))));
        figures.Add(("in_process_tokens_per_s", Median(local.Select(s => s.TokensPerSecond))));
        figures.Add(("served_ttft_ms", Median(served.Select(s => s.FirstTokenMs))));
        figures.Add(("in_process_ttft_ms", Median(local.Select(s => s.FirstTokenMs))));

        // The KV cache: the same generator, prompt and seed, in-process, with it and without it (each token re-reads the context).
        var cached = new List<double>();
        var uncached = new List<double>();
        for (var i = 0; i < Math.Min(rounds, 3); i++)
        {
            cached.Add((await GenerateInProcessAsync(CacheComparisonTokens)).TokensPerSecond);
            uncached.Add((await GenerateInProcessAsync(CacheComparisonTokens, kvCache: false)).TokensPerSecond);
        }
        figures.Add(("kv_cache_tokens_per_s", Median(cached)));
        figures.Add(("no_kv_cache_tokens_per_s", Median(uncached)));
        figures.Add(("kv_cache_speedup", Median(cached) / Median(uncached)));

        // L402 overhead: the 402 and the payment, against the paid request they unlock.
        var overhead = new List<double>();
        var authorized = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var body = Chat(ShortTokens, stream: false);
            var started = Stopwatch.GetTimestamp();
            var credential = await PaidCredentialAsync(body);
            overhead.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = credential;
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsStringAsync();
            authorized.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        figures.Add(("l402_overhead_ms_per_request", Median(overhead)));
        figures.Add(("authorized_request_ms", Median(authorized)));

        // The proxy: the same paid completion through `infer serve` against the router called in-process.
        using var router = new InferenceRouter(wallet, new L402ClientOptions { Budget = new L402Budget(new Sats(100_000)) },
            new InferenceRouterOptions([new Uri(app.Urls.First())], TimeSpan.FromSeconds(60)),
            new ProviderHistory(Path.Combine(dir.FullName, "providers.json"), TimeProvider.System), new ProvenanceLog(Path.Combine(dir.FullName, "results.jsonl"), TimeProvider.System));
        await using var proxy = await InferenceProxy.StartAsync(router, "http://127.0.0.1:0", CancellationToken.None);
        using var proxied = new HttpClient { BaseAddress = new Uri(proxy.Url) };
        var viaRouter = new List<double>();
        var viaProxy = new List<double>();
        await router.CompleteAsync(JsonNode.Parse(Chat(ShortTokens, false))!.AsObject(), null, CancellationToken.None);
        for (var i = 0; i < rounds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await router.CompleteAsync(JsonNode.Parse(Chat(ShortTokens, false))!.AsObject(), null, CancellationToken.None);
            viaRouter.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            using var response = await proxied.PostAsync("v1/chat/completions", new StringContent(Chat(ShortTokens, false), Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsStringAsync();
            viaProxy.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        figures.Add(("router_paid_request_ms", Median(viaRouter)));
        figures.Add(("proxy_paid_request_ms", Median(viaProxy)));
        figures.Add(("proxy_added_ms", Median(viaProxy) - Median(viaRouter)));
        return figures;
    }

    private static string Chat(int maxTokens, bool stream) => JsonSerializer.Serialize(new
    {
        model = InferenceOptions.ModelId,
        messages = new[] { new { role = "user", content = "In the beginning God created" } },
        max_tokens = maxTokens,
        temperature = 1,
        seed = 7,
        stream,
    });

    private async Task<AuthenticationHeaderValue> PaidCredentialAsync(string body)
    {
        using var challenge = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        using var json = JsonDocument.Parse(await challenge.Content.ReadAsStringAsync());
        var paid = await wallet.PayAsync(new PaymentRequest(json.RootElement.GetProperty("invoice").GetString()!, new Sats(10).ToMilliSats(), TimeSpan.FromSeconds(30)));
        return new AuthenticationHeaderValue("L402", $"{json.RootElement.GetProperty("macaroon").GetString()}:{paid.Preimage!.Value.ToHex()}");
    }

    // Tokens per second after the first one, and the time to the first content event, of a paid streamed completion.
    private async Task<(double, double)> StreamPaidAsync(int maxTokens)
    {
        var body = Chat(maxTokens, stream: true);
        var credential = await PaidCredentialAsync(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = credential;
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double? first = null;
        double last = 0;
        var tokens = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            using var chunk = JsonDocument.Parse(line["data: ".Length..]);
            if (chunk.RootElement.TryGetProperty("usage", out var usage)) tokens = usage.GetProperty("completion_tokens").GetInt32();
            if (chunk.RootElement.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var c) && c.GetString() is { Length: > 0 })
            {
                last = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                first ??= last;
            }
        }
        return (Math.Max(0, tokens - 1) / Math.Max(1e-3, (last - first!.Value) / 1000), first.Value);
    }

    private async Task<(double TokensPerSecond, double FirstTokenMs)> GenerateInProcessAsync(int maxTokens, bool kvCache = true)
    {
        var loaded = (await app.Services.GetRequiredService<ServedModel>().GetAsync(CancellationToken.None))!;
        var prompt = Model.Tokenizer.ByteTokenizer.Instance.Encode(ChatTemplate.Render([new ChatMessage("user", "In the beginning God created")]));
        var options = new Model.Inference.GenerationOptions { MaxNewTokens = maxTokens, Temperature = 1, Seed = 7, UseKvCache = kvCache };
        var started = Stopwatch.GetTimestamp();
        double? first = null;
        var tokens = 0;
        await foreach (var _ in loaded.Generator.GenerateAsync(prompt, options))
        {
            tokens++;
            first ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return (Math.Max(0, tokens - 1) / Math.Max(1e-3, (total - first!.Value) / 1000), first.Value);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        // Stopped before disposal, so the silo leaves its membership table gracefully.
        await app.StopAsync();
        await app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }
}
