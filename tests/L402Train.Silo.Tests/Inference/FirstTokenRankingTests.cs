using System.Net;
using System.Text.Json.Nodes;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Inference;
using L402Train.Testing;
using Microsoft.AspNetCore.Http;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// Time to first token in the provider ranking: a streamed call records when its first generated
/// token arrived (not its headers, which a stream sends before generating), a background probe
/// records its first byte where no stream has, the ranking prefers the faster first token at the
/// same price and median latency, <c>discover</c> prints it, and a cache file written before the
/// field existed still loads.
/// </summary>
public sealed class FirstTokenRankingTests() : AgentOnSilo("infer-ttft")
{
    private const string RoleChunk = """{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""";
    private const string ContentChunk = """{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"In"},"finish_reason":null}]}""";
    private const string LastChunk = """{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""";

    [Fact]
    public async Task A_provider_with_the_same_price_and_median_latency_but_a_slower_first_token_ranks_lower()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var history = new ProviderHistory(CachePath, clock);
        var slowGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fastGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = await StreamingProvider(slowGate.Task);
        await using var fast = await StreamingProvider(fastGate.Task);

        // Both answer their headers and role chunk at once (latency 0 on the fake clock); the model's first
        // token then takes 900 ms at one and 100 ms at the other.
        await StreamAsync(slow.Url, clock, history, TimeSpan.FromMilliseconds(900), slowGate);
        await StreamAsync(fast.Url, clock, history, TimeSpan.FromMilliseconds(100), fastGate);

        var measured = await history.ReadAsync(Ct);
        Assert.Equal(("0", "900"), (Ms(measured[slow.Url].LatenciesMs), Ms(measured[slow.Url].FirstTokenMs)));
        Assert.Equal(("0", "100"), (Ms(measured[fast.Url].LatenciesMs), Ms(measured[fast.Url].FirstTokenMs)));
        Assert.Equal((measured[slow.Url].SatPer1kTokens, measured[slow.Url].LatencyP50Ms), (measured[fast.Url].SatPer1kTokens, measured[fast.Url].LatencyP50Ms));
        Assert.Equal([fast.Url, slow.Url], ProviderRanking.Rank([slow.Url, fast.Url], measured));

        // A plain (non-streamed) answer has no first token to time: it adds a latency and leaves the first tokens alone.
        using (var router = Router([slow.Url], clock, history))
        {
            var plain = await router.CompleteAsync(Chat(stream: false), null, Ct);
            Assert.Equal(HttpStatusCode.OK, plain.Status);
        }
        var after = (await history.ReadAsync(Ct))[slow.Url];
        Assert.Equal(("0 0", "900"), (Ms(after.LatenciesMs), Ms(after.FirstTokenMs)));
    }

    [Fact]
    public async Task A_cache_file_without_the_first_token_fields_still_loads_as_unknown_and_ranks_as_before()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var written = clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        // The file an agent from before this change wrote: no ttft_ms, no probe_first_byte_ms. The third
        // record was edited by hand and says null where a list belongs.
        await File.WriteAllTextAsync(CachePath, $$"""
            [{"url":"http://a.example/","successes":3,"failures":0,"latencies_ms":[30,40,50],"sat_per_1k_tokens":187.5,"updated_at":"{{written}}"},
             {"url":"http://b.example/","successes":2,"failures":0,"latencies_ms":[20,20],"sat_per_1k_tokens":187.5,"updated_at":"{{written}}"},
             {"url":"http://c.example/","successes":1,"failures":0,"latencies_ms":[10],"ttft_ms":null,"probe_first_byte_ms":null,"sat_per_1k_tokens":187.5,"updated_at":"{{written}}"}]
            """, Ct);
        var history = new ProviderHistory(CachePath, clock);

        var measured = await history.ReadAsync(Ct);

        Assert.Equal(3, measured.Count);
        Assert.All(measured.Values, r => Assert.Null(r.TimeToFirstTokenMs));
        Assert.Equal((3, 40.0), (measured["http://a.example/"].Successes, measured["http://a.example/"].LatencyP50Ms));
        // Unknown first tokens everywhere: the median latency decides, as it did before.
        Assert.Equal(["http://c.example/", "http://b.example/", "http://a.example/"],
            ProviderRanking.Rank(["http://a.example/", "http://b.example/", "http://c.example/"], measured));

        // The next measurement of a hand-edited record starts its lists afresh and writes the new fields.
        await history.RecordSuccessAsync("http://c.example/", TimeSpan.FromMilliseconds(12), null, Ct, TimeSpan.FromMilliseconds(250));
        await history.RecordProbeAsync("http://c.example/", 187.5, Ct, TimeSpan.FromMilliseconds(8));
        var c = (await history.ReadAsync(Ct))["http://c.example/"];
        Assert.Equal(("10 12", "250", "8", 250.0, false), (Ms(c.LatenciesMs), Ms(c.FirstTokenMs), Ms(c.ProbeFirstByteMs), c.TimeToFirstTokenMs, c.FirstTokenFromProbe));
        Assert.Contains("\"ttft_ms\":[250]", await File.ReadAllTextAsync(CachePath, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public void A_probe_first_byte_stands_in_until_a_stream_is_measured_and_a_known_first_token_ranks_above_an_unknown_one()
    {
        var never = new ProviderRecord { Url = "http://never.example/", Successes = 1, LatenciesMs = [40], SatPer1kTokens = 100 };
        var probedSlow = never with { Url = "http://probed-slow.example/", ProbeFirstByteMs = [300, 500, 400] };
        var probedFast = never with { Url = "http://probed-fast.example/", ProbeFirstByteMs = [30] };
        var streamed = never with { Url = "http://streamed.example/", FirstTokenMs = [200], ProbeFirstByteMs = [5] };
        var history = new[] { never, probedSlow, probedFast, streamed }.ToDictionary(r => r.Url);

        Assert.Equal((400.0, true), (probedSlow.TimeToFirstTokenMs, probedSlow.FirstTokenFromProbe));
        // A streamed first token, once measured, is what counts, not the (always quicker) 402's first byte; and it goes
        // before a stand-in, which only orders the providers never streamed from.
        Assert.Equal((200.0, false), (streamed.TimeToFirstTokenMs, streamed.FirstTokenFromProbe));
        Assert.Equal(["http://streamed.example/", "http://probed-fast.example/", "http://probed-slow.example/", "http://never.example/"],
            ProviderRanking.Rank(history.Keys, history));
        // Price still comes first: a cheaper provider with a slow first token ranks above a dearer fast one.
        var cheaper = probedSlow with { SatPer1kTokens = 50 };
        Assert.Equal([cheaper.Url, probedFast.Url], ProviderRanking.Rank([probedFast.Url, cheaper.Url], new Dictionary<string, ProviderRecord> { [cheaper.Url] = cheaper, [probedFast.Url] = probedFast }));
    }

    [Fact]
    public async Task A_background_probe_records_its_first_byte_and_discover_prints_the_time_to_first_token()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var history = new ProviderHistory(CachePath, clock);
        var round = new TaskCompletionSource<ProviderRefreshRound>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The transport moves the fake clock while the probe waits for the silo, so the first byte is known exactly.
        using var transport = new SlowTransport(clock, TimeSpan.FromMilliseconds(250)) { InnerHandler = new SocketsHttpHandler() };
        await using (var refresher = new ProviderRefresher([new Uri(Provider)], history, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), clock, transport,
            (r, _) => { round.TrySetResult(r); return Task.CompletedTask; }))
        {
            refresher.Start();
            Assert.True((await round.Task.WaitAsync(Ct)).Probes.Single().Answered);
        }

        var record = (await history.ReadAsync(Ct))[Provider];
        Assert.Equal(("250", 250.0, true, 0), (Ms(record.ProbeFirstByteMs), record.TimeToFirstTokenMs, record.FirstTokenFromProbe, record.Successes));

        // discover prints the column from the same cache; its own probe of the silo joins the probe's figure.
        var output = await DiscoverAsync();
        Assert.Contains("ttft ms", output, StringComparison.Ordinal);
        Assert.Contains("(probe)", output, StringComparison.Ordinal);

        // Once a stream is measured, discover prints that figure, without the probe mark.
        await history.RecordSuccessAsync(Provider, TimeSpan.FromMilliseconds(20), 187.5, Ct, TimeSpan.FromMilliseconds(4321));
        output = await DiscoverAsync();
        Assert.Contains("4321", output, StringComparison.Ordinal);
        Assert.DoesNotContain("(probe)", output, StringComparison.Ordinal);
        Assert.Equal(0, await SpentSatAsync());
    }

    private async Task<string> DiscoverAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new L402Train.PeerAgent.Commands.PeerAgentCommandLine().InvokeAsync(
            ["discover", "--coordinator", Provider, "--providers-cache", CachePath], output, error);
        Assert.True(code == 0, output.ToString() + error.ToString());
        return output.ToString();
    }

    // One streamed request through a router over one provider: when the role chunk arrives (the headers
    // and the opening chunk come before generation), the clock moves by firstToken and the provider sends its first token.
    private async Task StreamAsync(string provider, FakeTimeProvider clock, ProviderHistory history, TimeSpan firstToken, TaskCompletionSource gate)
    {
        using var router = Router([provider], clock, history);
        var answer = await router.CompleteAsync(Chat(stream: true), (data, _) =>
        {
            if (data.Contains("\"role\"", StringComparison.Ordinal))
            {
                clock.Advance(firstToken);
                gate.TrySetResult();
            }
            return Task.CompletedTask;
        }, Ct);
        Assert.Equal((HttpStatusCode.OK, provider, 2), (answer.Status, answer.Provider, answer.CompletionTokens));
    }

    private InferenceRouter Router(IEnumerable<string> providers, TimeProvider clock, ProviderHistory history) =>
        new(wallet!, new L402ClientOptions { Budget = new L402Budget(new Sats(1_000)) },
            new InferenceRouterOptions([.. providers.Select(p => new Uri(p))], TimeSpan.FromSeconds(30)),
            history, new ProvenanceLog(Path.Combine(work.FullName, "results.jsonl"), clock), clock);

    // A provider that asks nothing: a stream sends its role chunk, waits for the test, then its token and the end.
    private static Task<FakeProvider> StreamingProvider(Task firstToken) => FakeProvider.StartAsync(async http =>
    {
        var request = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        if (request?["stream"]?.GetValue<bool>() != true)
        {
            await http.Response.WriteAsJsonAsync(JsonNode.Parse("""{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"In"},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"""), http.RequestAborted);
            return;
        }
        http.Response.ContentType = "text/event-stream";
        await http.Response.WriteAsync($"data: {RoleChunk}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
        await firstToken.WaitAsync(http.RequestAborted);
        await http.Response.WriteAsync($"data: {ContentChunk}\n\ndata: {LastChunk}\n\ndata: [DONE]\n\n", http.RequestAborted);
    }, Ct);

    private static string Ms(IReadOnlyList<double> values) => string.Join(' ', values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static JsonObject Chat(bool stream) => new()
    {
        ["model"] = "l402train-gpt",
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "In the beginning" }),
        ["max_tokens"] = 16,
        ["stream"] = stream,
    };

    private sealed class SlowTransport(FakeTimeProvider clock, TimeSpan delay) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            clock.Advance(delay);
            return response;
        }
    }
}
