using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Inference;
using L402Train.Testing;
using Microsoft.AspNetCore.Http;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// The client side: the router ranks providers from measured history, pays the one that answers
/// through the budgeted L402 handler, falls back past dead and broken ones, never pays twice for one
/// request, logs every paid call to results.jsonl, and its history survives a restart; the local
/// OpenAI endpoint (<c>infer serve</c>) forwards to it.
/// </summary>
public sealed class InferenceClientTests() : AgentOnSilo("infer-client")
{
    private string ResultsPath => Path.Combine(work.FullName, "results.jsonl");

    private InferenceRouter Router(IEnumerable<string> providers, long budgetSat = 1_000, TimeProvider? historyTime = null) =>
        new(wallet!, new L402ClientOptions { Budget = new L402Budget(new Sats(budgetSat)) },
            new InferenceRouterOptions([.. providers.Select(p => new Uri(p))], TimeSpan.FromSeconds(30)),
            new ProviderHistory(CachePath, historyTime ?? TimeProvider.System), new ProvenanceLog(ResultsPath, TimeProvider.System));

    private static JsonObject Chat(bool stream = false, int maxTokens = 16) => new()
    {
        ["model"] = "l402train-gpt",
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "And God said" }),
        ["max_tokens"] = maxTokens,
        ["temperature"] = 0,
        ["stream"] = stream,
    };

    [Fact]
    public async Task A_refused_connection_falls_back_to_the_next_provider_which_is_paid_once_and_logged_and_the_ranking_survives_a_restart()
    {
        var dead = DeadUrl();
        using (var router = Router([dead, Provider]))
        {
            var answer = await router.CompleteAsync(Chat(), null, Ct);

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(Provider, answer.Provider);
            Assert.StartsWith(dead, Assert.Single(answer.Skipped), StringComparison.Ordinal);
            Assert.NotNull(answer.Payment);
            Assert.Equal(3, await SpentSatAsync());
            var line = Assert.Single(ProvenanceLog.Read(ResultsPath));
            Assert.Equal(("infer", Provider, "l402train-gpt", answer.Payment!.PaymentHash.ToHex(), answer.Payment.Preimage?.ToHex(), 3L),
                (line.Action, line.Url, line.Model, line.PaymentHash, line.Preimage, line.Sats));
            Assert.Equal(answer.CompletionTokens, line.Tokens);
        }

        // A new process reads the measured history: the provider that answered goes first, the dead one last.
        using var restarted = Router([dead, Provider]);
        Assert.Equal([Provider, dead], await restarted.RankAsync(Ct));
        var again = await restarted.CompleteAsync(Chat(), null, Ct);
        Assert.Empty(again.Skipped);
        Assert.Equal(6, await SpentSatAsync());

        // Past the time to live the measurements are forgotten and the given order is back.
        var later = new FakeTimeProvider(TimeProvider.System.GetUtcNow() + TimeSpan.FromHours(5));
        using var stale = Router([dead, Provider], historyTime: later);
        Assert.Equal([dead, Provider], await stale.RankAsync(Ct));
    }

    [Fact]
    public async Task A_5xx_and_a_stream_that_breaks_before_its_first_event_fall_back_to_a_provider_that_streams_and_is_paid_once()
    {
        await using var failing = await FakeProvider.StartAsync(http =>
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }, Ct);
        await using var breaking = await FakeProvider.StartAsync(async http =>
        {
            http.Response.ContentType = "text/event-stream";
            await http.Response.WriteAsync("data: {\"choices\":[{\"delt", Ct);
            await http.Response.Body.FlushAsync(Ct);
            http.Abort();
        }, Ct);
        using var router = Router([failing.Url, breaking.Url, Provider]);
        var events = new List<string>();

        var answer = await router.CompleteAsync(Chat(stream: true), (data, _) => { events.Add(data); return Task.CompletedTask; }, Ct);

        Assert.Equal(Provider, answer.Provider);
        Assert.Equal((1, 1), (failing.Calls, breaking.Calls));
        Assert.Equal(2, answer.Skipped.Count);
        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events[..^1], e => Assert.Equal("chat.completion.chunk", JsonDocument.Parse(e).RootElement.GetProperty("object").GetString()));
        Assert.Equal(3, await SpentSatAsync());
        Assert.Single(ProvenanceLog.Read(ResultsPath));
    }

    [Fact]
    public async Task A_busy_provider_answering_429_before_payment_is_skipped_for_the_next_one()
    {
        await using var busy = await FakeProvider.StartAsync(http =>
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = "1";
            return Task.CompletedTask;
        }, Ct);
        using var router = Router([busy.Url, Provider]);

        var answer = await router.CompleteAsync(Chat(), null, Ct);

        Assert.Equal((HttpStatusCode.OK, Provider), (answer.Status, answer.Provider));
        Assert.Equal($"{busy.Url}: 429 busy", Assert.Single(answer.Skipped));
        Assert.Equal(3, await SpentSatAsync());
        // Busy is not broken: its history records no failure.
        Assert.False((await new ProviderHistory(CachePath, TimeProvider.System).ReadAsync(Ct)).ContainsKey(busy.Url));
    }

    [Fact]
    public async Task A_second_402_after_paying_stops_and_reports_without_paying_anyone_else()
    {
        // Replays a fresh real challenge every time, so the paid retry gets another 402.
        using var upstream = new HttpClient { BaseAddress = new Uri(Provider) };
        await using var greedy = await FakeProvider.StartAsync(async http =>
        {
            using var body = new StreamReader(http.Request.Body);
            using var challenge = await upstream.PostAsync("v1/chat/completions", new StringContent(await body.ReadToEndAsync(), Encoding.UTF8, "application/json"));
            http.Response.StatusCode = StatusCodes.Status402PaymentRequired;
            http.Response.Headers.WWWAuthenticate = challenge.Headers.WwwAuthenticate.ToString();
            await http.Response.WriteAsync(await challenge.Content.ReadAsStringAsync());
        }, Ct);
        using var router = Router([greedy.Url, Provider]);

        var refused = await Assert.ThrowsAsync<InferenceUnavailableException>(() => router.CompleteAsync(Chat(), null, Ct));

        Assert.Contains("402 again after it was paid", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(refused.Payment);
        Assert.Equal(2, greedy.Calls);
        Assert.Equal(3, await SpentSatAsync());
        Assert.False(File.Exists(ResultsPath));
    }

    [Fact]
    public async Task A_price_over_budget_is_skipped_and_nothing_is_paid()
    {
        using var router = Router([Provider], budgetSat: 2);

        var refused = await Assert.ThrowsAsync<InferenceUnavailableException>(() => router.CompleteAsync(Chat(), null, Ct));

        Assert.Contains("OverBudget", refused.Message, StringComparison.Ordinal);
        Assert.Null(refused.Payment);
        Assert.Equal(0, await SpentSatAsync());
    }

    [Fact]
    public async Task The_local_openai_endpoint_lists_models_and_answers_plain_and_streamed_completions_through_the_router()
    {
        using var router = Router([Provider]);
        await using var proxy = await InferenceProxy.StartAsync(router, "http://127.0.0.1:0", Ct);
        using var http = new HttpClient { BaseAddress = new Uri(proxy.Url) };

        var models = JsonDocument.Parse(await http.GetStringAsync("v1/models", Ct)).RootElement;
        using var plain = await http.PostAsync("v1/chat/completions", new StringContent(Chat().ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        using var streamed = await http.PostAsync("v1/chat/completions", new StringContent(Chat(stream: true).ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        using var bad = await http.PostAsync("v1/chat/completions", new StringContent("[1,2]", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal("l402train-gpt", models.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("chat.completion", JsonDocument.Parse(await plain.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("object").GetString());
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("data: [DONE]\n\n", await streamed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(6, await SpentSatAsync());
        Assert.Equal(2, ProvenanceLog.Read(ResultsPath).Count);
    }

    [Fact]
    public async Task Probe_reads_the_price_mode_expiry_and_capability_of_a_402_without_paying()
    {
        using var http = new HttpClient();

        var offer = await L402Probe.ProbeAsync(http, new Uri(Provider + "v1/chat/completions"), HttpMethod.Post, L402Probe.ChatProbeBody, Ct);

        Assert.Equal((402, 3L, 3L, true, "standard", "inference"), (offer.Status, offer.AdvertisedSat, offer.InvoiceSat, offer.AmountMatches, offer.Mode, offer.Capabilities));
        Assert.Contains("inference_sat=3", offer.Caveats);
        Assert.True(offer.ExpiresAt > TimeProvider.System.GetUtcNow());
        Assert.Equal(0, await SpentSatAsync());
    }

    [Fact]
    public async Task The_probe_command_posts_to_the_chat_url_it_is_given_and_prints_the_offer()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await new L402Train.PeerAgent.Commands.PeerAgentCommandLine().InvokeAsync(["probe", Provider + "v1/chat/completions"], output, error);

        Assert.True(code == 0, output.ToString() + error.ToString());
        Assert.Contains("standard", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("inference", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await SpentSatAsync());
    }
}
