using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using L402Train.Grains.Payments;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// The provider side of inference against the real silo (SQLite, simnet): a priced 402, a paid
/// completion (plain and streamed) through our L402 client, OpenAI-shaped refusals, a token bound
/// to the price it paid and good for one completion, and the revenue in a ledger that reconciles.
/// </summary>
public sealed class InferenceApiTests : IAsyncLifetime
{
    private EmbeddedSilo? silo;
    private ILightningNode? wallet;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        silo = await EmbeddedSilo.StartAsync("inference", cancellationToken: Ct);
        // All the channel's capital on the buyer's side, so the coordinator's balance moves only by what it is paid.
        wallet = silo.Network.CreateNode("buyer");
        silo.Network.OpenChannel("buyer", Lightning.Simnet.SimnetNetwork.CoordinatorName, new Sats(1_000_000).ToMilliSats(), new MilliSats(0));
    }

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
    }

    private static string Chat(int maxTokens, bool stream = false, string prompt = "In the beginning") =>
        JsonSerializer.Serialize(new { model = "l402train-gpt", messages = new[] { new { role = "user", content = prompt } }, max_tokens = maxTokens, temperature = 0, stream });

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private HttpClient Paying(IPaymentReceiptSink? receipts = null) =>
        new(new L402PaymentHandler(wallet!, new L402ClientOptions { Budget = new L402Budget(new Sats(1_000)) }, receipts: receipts) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = new Uri(silo!.Url),
        };

    [Fact]
    public async Task An_unpaid_completion_gets_a_402_naming_the_price_of_its_max_tokens()
    {
        using var response = await silo!.Http.PostAsync("v1/chat/completions", Json(Chat(16)), Ct);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        // 1 sat base + ⌈16 × 100 msat ÷ 1000⌉ = 3 sat.
        Assert.Equal(3, body.RootElement.GetProperty("amount_sats").GetInt64());
        Assert.Equal("standard", body.RootElement.GetProperty("mode").GetString());
        using var expensive = await silo.Http.PostAsync("v1/chat/completions", Json(Chat(512)), Ct);
        using var expensiveBody = JsonDocument.Parse(await expensive.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1 + 52, expensiveBody.RootElement.GetProperty("amount_sats").GetInt64());
    }

    [Fact]
    public async Task A_paid_completion_answers_with_usage_and_its_fee_is_inference_revenue_in_a_ledger_that_reconciles()
    {
        using var http = Paying();
        using var response = await http.PostAsync("v1/chat/completions", Json(Chat(16)), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = body.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal("l402train-gpt", root.GetProperty("model").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        var usage = root.GetProperty("usage");
        // The prompt is the template's bytes: "user: In the beginning\nassistant: ".
        Assert.Equal(Encoding.UTF8.GetByteCount("user: In the beginning\nassistant: "), usage.GetProperty("prompt_tokens").GetInt32());
        var completionTokens = usage.GetProperty("completion_tokens").GetInt32();
        Assert.InRange(completionTokens, 0, 16);
        Assert.Equal(completionTokens == 16 ? "length" : "stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + completionTokens, usage.GetProperty("total_tokens").GetInt32());

        var grains = silo!.App.Services.GetRequiredService<IGrainFactory>();
        var ledger = await grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        var fee = Assert.Single(ledger.Entries, e => e.Purpose == InvoicePurpose.Inference);
        Assert.Equal(new Sats(3), fee.InSat);
        var check = await LedgerReconciliation.CheckAsync(grains, silo.Network.Coordinator, silo.App.Services.GetRequiredService<StandardFeeInvoices>(), Ct);
        Assert.True(check.Reconciled, $"differs by {check.DifferenceSat} sat");
    }

    [Fact]
    public async Task A_streamed_completion_sends_openai_chunks_then_done_with_the_same_text_as_the_plain_one()
    {
        using var http = Paying();
        using var plain = await http.PostAsync("v1/chat/completions", Json(Chat(24)), Ct);
        using var plainBody = JsonDocument.Parse(await plain.Content.ReadAsStringAsync(Ct));
        var expected = plainBody.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

        using var streamed = await http.PostAsync("v1/chat/completions", Json(Chat(24, stream: true)), Ct);

        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        var events = (await streamed.Content.ReadAsStringAsync(Ct)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var text = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal(expected, text);
        Assert.NotEqual(JsonValueKind.Null, chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        Assert.True(chunks[^1].TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task A_token_priced_for_16_tokens_is_refused_for_512_and_buys_exactly_one_completion_of_16()
    {
        using var challenge = await silo!.Http.PostAsync("v1/chat/completions", Json(Chat(16)), Ct);
        using var body = JsonDocument.Parse(await challenge.Content.ReadAsStringAsync(Ct));
        var payment = await wallet!.PayAsync(new PaymentRequest(body.RootElement.GetProperty("invoice").GetString()!, new Sats(10).ToMilliSats(), TimeSpan.FromSeconds(30)), Ct);
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        var credential = new AuthenticationHeaderValue("L402", $"{body.RootElement.GetProperty("macaroon").GetString()}:{payment.Preimage!.Value.ToHex()}");

        async Task<HttpStatusCode> SendAsync(int maxTokens)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(Chat(maxTokens)) };
            request.Headers.Authorization = credential;
            using var response = await silo.Http.SendAsync(request, Ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.PaymentRequired, await SendAsync(512));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(16));
        Assert.Equal(HttpStatusCode.PaymentRequired, await SendAsync(16));
    }

    public static TheoryData<string, string?> BadRequests => new()
    {
        { """{"model":"l402train-gpt","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role" },
        { """{"model":"l402train-gpt","messages":[]}""", "messages" },
        { """{"model":"l402train-gpt"}""", "messages" },
        { """{"model":"l402train-gpt","messages":[{"role":"user"}]}""", "messages[0].content" },
        { """{"model":"l402train-gpt","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens" },
        { """{"model":"l402train-gpt","messages":[{"role":"user","content":"hi"}],"max_tokens":5000}""", "max_tokens" },
        { """{"model":"l402train-gpt","messages":[{"role":"user","content":"hi"}],"max_tokens":"many"}""", "max_tokens" },
        { """{"model":"l402train-gpt","messages":[{"role":"user","content":"hi"}],"temperature":2.5}""", "temperature" },
        { """{"model":"l402train-gpt","messages":[{"role":"user","content":"hi"}],"top_p":0}""", "top_p" },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", "model" },
        { """{"messages":[{"role":"user","content":"hi"}]}""", "model" },
        { """not json""", null },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_an_openai_shaped_400_naming_the_field_before_any_price(string request, string? param)
    {
        using var response = await silo!.Http.PostAsync("v1/chat/completions", Json(request), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.True(error.TryGetProperty("code", out _));
    }

    [Fact]
    public async Task Models_are_listed_free()
    {
        var models = await silo!.Http.GetFromJsonAsync<JsonElement>("v1/models", Ct);

        Assert.Equal("list", models.GetProperty("object").GetString());
        Assert.Equal("l402train-gpt", models.GetProperty("data")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_directory_lists_the_paid_services_in_satrings_shape_with_search_and_category_filters()
    {
        var all = await silo!.Http.GetFromJsonAsync<JsonElement>("api/v1/services", Ct);
        var inference = await silo.Http.GetFromJsonAsync<JsonElement>("api/v1/services?category=ai/inference", Ct);
        var search = await silo.Http.GetFromJsonAsync<JsonElement>("api/v1/services?q=BOUNTY", Ct);

        Assert.Equal(3, all.GetProperty("total").GetInt32());
        var listed = Assert.Single(inference.GetProperty("services").EnumerateArray());
        Assert.Equal("inference", listed.GetProperty("slug").GetString());
        Assert.Equal($"{silo.Url}/v1/chat/completions", listed.GetProperty("url").GetString());
        Assert.Equal(("POST", "standard", "inference", "L402"), (listed.GetProperty("http_method").GetString(), listed.GetProperty("l402_mode").GetString(),
            listed.GetProperty("capability").GetString(), listed.GetProperty("protocol").GetString()));
        Assert.Equal(1 + 13, listed.GetProperty("pricing_sats").GetInt64());
        Assert.Equal("bounty-access", Assert.Single(search.GetProperty("services").EnumerateArray()).GetProperty("slug").GetString());
    }
}
