using System.Net;
using System.Text;
using System.Text.Json;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Testing;

namespace L402Train.Silo.Tests.Inference;

/// <summary>With every generation slot busy, an unpaid completion is refused with 429 and Retry-After before it is priced, so nobody pays to wait.</summary>
public sealed class InferenceSaturationTests : IAsyncLifetime
{
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        silo = await EmbeddedSilo.StartAsync("inference-busy", s => s with { Inference = s.Inference with { Concurrency = 1 } }, Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
    }

    [Fact]
    public async Task An_unpaid_request_while_every_slot_generates_gets_a_429_with_retry_after_and_no_price()
    {
        var wallet = silo!.Network.CreateNode("busy");
        silo.Network.OpenChannel("busy", SimnetNetwork.CoordinatorName, new Sats(10_000).ToMilliSats(), new MilliSats(0));
        using var paying = new HttpClient(new L402PaymentHandler(wallet, new L402ClientOptions { Budget = new L402Budget(new Sats(1_000)) }) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = new Uri(silo.Url),
        };
        static StringContent Body(int maxTokens, bool stream) => new(JsonSerializer.Serialize(new
        {
            model = "l402train-gpt", messages = new[] { new { role = "user", content = "And the earth" } }, max_tokens = maxTokens, temperature = 1, seed = 3, stream,
        }), Encoding.UTF8, "application/json");

        // The one slot is taken by a long paid stream whose first event has arrived.
        using var busy = await paying.SendAsync(new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Body(1024, stream: true) }, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, busy.StatusCode);
        using var events = new StreamReader(await busy.Content.ReadAsStreamAsync(Ct));
        Assert.StartsWith("data: ", await events.ReadLineAsync(Ct), StringComparison.Ordinal);

        using var refused = await silo.Http.PostAsync("v1/chat/completions", Body(16, stream: false), Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Null(refused.Headers.WwwAuthenticate.FirstOrDefault());
        using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct));
        Assert.Equal("rate_limit_exceeded", error.RootElement.GetProperty("error").GetProperty("type").GetString());
    }
}
