using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Lightning.Backend;
using L402Train.Lightning.Simnet;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Inference;
using L402Train.Testing;
using Microsoft.AspNetCore.Http;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// Three providers: two real coordinators on one simnet (A at 3 sat and B at 2 sat for 16 tokens; B's
/// node is a simnet node of A's network reached through A's LND facade, as two coordinators share
/// the Lightning network) and a relay in front of B that is paid and then drops its stream mid-way.
/// The client learns their prices by probing, pays the cheapest, reports the broken paid stream
/// without paying anyone else, moves to B, falls back to A when B dies, stops at its total budget,
/// and a restarted client ranks from the cache.
/// </summary>
public sealed class ThreeProviderTests() : AgentOnSilo("infer-three")
{
    private const long TotalBudgetSat = 7;

    private string ResultsPath => Path.Combine(work.FullName, "results.jsonl");

    [Fact]
    public async Task The_client_pays_the_cheapest_healthy_provider_reports_a_paid_stream_that_dies_falls_back_stays_in_budget_and_ranks_from_the_cache_after_a_restart()
    {
        EmbeddedSilo? siloB = await StartCoordinatorBAsync();
        try
        {
            var b = siloB.Url + "/";
            var firstEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var upstream = new HttpClient { BaseAddress = new Uri(b), Timeout = TimeSpan.FromSeconds(60) };
            await using var relay = await BreakingRelay.StartAsync(upstream, firstEvent.Task, Ct);
            string[] given = [relay.Url, Provider, b];

            using (var router = Router(given, CachePath))
            {
                // Nothing measured: the given order. The background refresh learns each price from its 402, paying nothing.
                Assert.Equal(given, await router.RankAsync(Ct));
                // On a frozen clock the probes' first bytes tie, so the given order breaks the relay's price tie with B
                // (the relay must be tried first); on the real one the quicker of the two would win by chance.
                await using var refresher = new ProviderRefresher(router.Providers, router.History, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30),
                    new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
                var probes = await refresher.RefreshOnceAsync(Ct);
                Assert.Equal([125.0, 187.5, 125.0], probes.Select(p => p.SatPer1kTokens));
                Assert.Equal([relay.Url, b, Provider], await router.RankAsync(Ct));
                Assert.Equal(0, await SpentSatAsync());

                // 1. The cheapest is paid, sends one event and drops the connection: reported with its payment, nobody else is paid.
                var events = new List<string>();
                var broken = await Assert.ThrowsAsync<InferenceUnavailableException>(() => router.CompleteAsync(Chat(stream: true), (data, _) =>
                {
                    events.Add(data);
                    firstEvent.TrySetResult();
                    return Task.CompletedTask;
                }, Ct));
                Assert.Contains("failed after it was paid", broken.Message, StringComparison.Ordinal);
                Assert.NotNull(broken.Payment);
                Assert.Single(events);
                Assert.Equal(2, await SpentSatAsync());
                Assert.Equal(3, relay.Calls);

                // 2. The relay dropped down; B is now the cheapest healthy provider and streams to the end.
                Assert.Equal([b, Provider, relay.Url], await router.RankAsync(Ct));
                var streamed = new List<string>();
                var answer = await router.CompleteAsync(Chat(stream: true), (data, _) => { streamed.Add(data); return Task.CompletedTask; }, Ct);
                Assert.True(answer.Status == HttpStatusCode.OK, $"{answer.Provider} answered {answer.Status}: {answer.Body}");
                Assert.Equal((b, "[DONE]"), (answer.Provider, streamed[^1]));
                Assert.Equal(4, await SpentSatAsync());

                // 3. B dies: its refused connection costs nothing and A answers.
                await siloB.DisposeAsync();
                siloB = null;
                answer = await router.CompleteAsync(Chat(), null, Ct);
                Assert.Equal((HttpStatusCode.OK, Provider), (answer.Status, answer.Provider));
                Assert.StartsWith(b, Assert.Single(answer.Skipped), StringComparison.Ordinal);
                Assert.Equal(TotalBudgetSat, await SpentSatAsync());

                // 4. The total budget is spent: A is refused before paying, B and the relay are down; nothing is paid.
                var refused = await Assert.ThrowsAsync<InferenceUnavailableException>(() => router.CompleteAsync(Chat(), null, Ct));
                Assert.Null(refused.Payment);
                Assert.Contains("total", refused.Message, StringComparison.Ordinal);
                Assert.Equal(TotalBudgetSat, await SpentSatAsync());
                Assert.Equal(TotalBudgetSat, router.Ledger.Spent.ToSatsFloor().Value);
            }

            // Each paid answer logged once; the broken paid stream is not an answer.
            Assert.Equal([b, Provider], ProvenanceLog.Read(ResultsPath).Select(l => l.Url));

            // A restarted client ranks from the cache: A (healthy), then B and the relay (failing and equally cheap; B has a
            // first token measured on a stream, the relay only a probe's first byte); without the cache it would be the given order.
            using var restarted = Router(given, CachePath);
            Assert.Equal([Provider, b, relay.Url], await restarted.RankAsync(Ct));
            using var forgetful = Router(given, Path.Combine(work.FullName, "other-providers.json"));
            Assert.Equal(given, await forgetful.RankAsync(Ct));
        }
        finally
        {
            if (siloB is not null) await siloB.DisposeAsync();
        }
    }

    // B: a second coordinator whose Lightning node ("coord-b") lives on A's simnet, reached like an LND over A's facade,
    // with 100,000 sat of A's coordinator's liquidity towards it so the agent's payments route agent → coordinator → coord-b.
    private async Task<EmbeddedSilo> StartCoordinatorBAsync()
    {
        var node = silo!.Network.CreateNode("coord-b");
        silo.Network.OpenChannel("coord-b", SimnetNetwork.CoordinatorName, new MilliSats(0), new Sats(100_000).ToMilliSats());
        var macaroon = Path.Combine(work.FullName, "coord-b.macaroon");
        await File.WriteAllBytesAsync(macaroon, Convert.FromHexString(node.MacaroonHex), Ct);
        return await EmbeddedSilo.StartAsync("infer-three-b", settings => settings with
        {
            Lightning = new LightningBackendOptions { Kind = LightningBackendKind.Lnd, LndRestUri = new Uri($"{silo.Url}/simnet/coord-b/"), LndMacaroonPath = macaroon },
            // 1 + ⌈16 × 50 / 1000⌉ = 2 sat for 16 tokens, against A's 1 + ⌈16 × 100 / 1000⌉ = 3.
            // Two slots: the generation the relay abandoned may still be stopping when the next request comes.
            Inference = settings.Inference with { MsatPerToken = 50, Concurrency = 2 },
        }, Ct);
    }

    private InferenceRouter Router(IEnumerable<string> providers, string cache) =>
        new(wallet!, new L402ClientOptions { Budget = new L402Budget(new Sats(1_000), Total: new Sats(TotalBudgetSat)), MaxFee = new Sats(0) },
            new InferenceRouterOptions([.. providers.Select(p => new Uri(p))], TimeSpan.FromSeconds(30)),
            new ProviderHistory(cache, TimeProvider.System), new ProvenanceLog(ResultsPath, TimeProvider.System));

    private static JsonObject Chat(bool stream = false) => new()
    {
        ["model"] = "l402train-gpt",
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "And God said" }),
        ["max_tokens"] = 16,
        ["temperature"] = 0,
        ["stream"] = stream,
    };

    /// <summary>
    /// A provider that relays B: an unpaid request gets B's own challenge, a paid one is forwarded to B
    /// and its stream relayed until the client has its first event, then the connection is dropped.
    /// With B gone it answers 502.
    /// </summary>
    private static class BreakingRelay
    {
        public static Task<FakeProvider> StartAsync(HttpClient http, Task clientHasFirstEvent, CancellationToken cancellationToken) =>
            FakeProvider.StartAsync(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                using var forward = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(await reader.ReadToEndAsync(), Encoding.UTF8, "application/json") };
                if (context.Request.Headers.Authorization is { Count: > 0 } credential) forward.Headers.TryAddWithoutValidation("Authorization", credential.ToString());
                HttpResponseMessage answer;
                try
                {
                    answer = await http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
                }
                catch (HttpRequestException)
                {
                    context.Response.StatusCode = StatusCodes.Status502BadGateway;
                    return;
                }
                using (answer)
                {
                    context.Response.StatusCode = (int)answer.StatusCode;
                    if (answer.Headers.WwwAuthenticate.Count > 0) context.Response.Headers.WWWAuthenticate = answer.Headers.WwwAuthenticate.ToString();
                    context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
                    if (answer.StatusCode != HttpStatusCode.OK)
                    {
                        await context.Response.WriteAsync(await answer.Content.ReadAsStringAsync(context.RequestAborted), context.RequestAborted);
                        return;
                    }
                    using var stream = new StreamReader(await answer.Content.ReadAsStreamAsync(context.RequestAborted));
                    string? first;
                    do first = await stream.ReadLineAsync(context.RequestAborted);
                    while (first is not null && !first.StartsWith("data: ", StringComparison.Ordinal));
                    await context.Response.WriteAsync($"{first}\n\n", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await clientHasFirstEvent.WaitAsync(context.RequestAborted);
                    context.Abort();
                }
            }, cancellationToken);
    }
}
