using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Shipped;
using L402Train.Lightning.Simnet;
using L402Train.Lightning;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace L402Train.Bounties.Tests.Http;

/// <summary>The real silo (gateway, validator, settler on SQLite and simnet) on a free port, and a client that pays L402 challenges by hand.</summary>
public sealed class BountyApiHost : IAsyncDisposable
{
    private readonly EmbeddedSilo silo;

    private BountyApiHost(EmbeddedSilo silo) => this.silo = silo;

    public WebApplication App => silo.App;
    public HttpClient Http => silo.Http;
    public SimnetNetwork Network => silo.Network;
    public GeneratedBounty Shipped { get; } = ShippedBounty.Generate(42);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts the silo with the tracks in <paramref name="tracks"/> (default: both, as <c>silo serve</c>).</summary>
    public static async Task<BountyApiHost> StartAsync(string tracks = L402Train.Silo.Hosting.SiloSettings.DefaultTracks) =>
        new(await EmbeddedSilo.StartAsync("bounty-api", settings => settings with
        {
            Bounties = new BountyRules { FundingPollInterval = TimeSpan.FromMilliseconds(100) },
            Tracks = new HashSet<string>(tracks.Split(','), StringComparer.OrdinalIgnoreCase),
        }, Ct));

    /// <summary>The body of a <c>POST /bounties</c> for the shipped bounty, with <paramref name="change"/> applied.</summary>
    public Dictionary<string, object?> BountyBody(Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["title"] = "Spam filter accuracy", ["description"] = "Tune classifier.conf.", ["metric"] = "accuracy", ["direction"] = "maximize",
            ["eval_command"] = "sh eval.sh", ["target_files"] = new[] { "classifier.conf" },
            ["baseline_tarball"] = Convert.ToBase64String(ShippedBounty.BaselineArchive(Shipped)),
            ["held_out_tarball"] = Convert.ToBase64String(ShippedBounty.HeldOutArchive(Shipped)),
            ["total_sats"] = 20_000, ["deadline"] = DateTimeOffset.UtcNow.AddHours(1), ["rate_sats_per_unit"] = 100_000, ["min_improvement"] = 0.01,
            ["max_diff_bytes"] = 16_384, ["forbidden_patterns"] = new[] { "system" }, ["eval_timeout_s"] = 30, ["eval_memory_mb"] = 256, ["repeats"] = 1,
        };
        change?.Invoke(body);
        return body;
    }

    /// <summary>Adds <c>Prefer: respond-async</c>: the submit answers 202 at once instead of waiting for the verdict.</summary>
    public static HttpRequestMessage RespondAsync(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Prefer", "respond-async");
        return request;
    }

    public async Task<JsonElement> PostBountyAsync(Dictionary<string, object?>? body = null)
    {
        using var response = await Http.PostAsJsonAsync("/bounties", body ?? BountyBody(), Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }

    /// <summary>Sends the request; on a 402 pays the challenge from <paramref name="payer"/> (a hold invoice only up to the locked HTLC) and sends it again.</summary>
    public async Task<(HttpResponseMessage Response, string Credential)> PaidAsync(Func<HttpRequestMessage> request, SimnetNode payer)
    {
        using (var first = await Http.SendAsync(request(), Ct))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, first.StatusCode);
            var challenge = await first.Content.ReadFromJsonAsync<JsonElement>(Ct);
            var macaroon = challenge.GetProperty("macaroon").GetString()!;
            var invoice = challenge.GetProperty("invoice").GetString()!;
            string credential;
            if (challenge.GetProperty("mode").GetString() == "hold")
            {
                await foreach (var update in payer.SendPaymentAsync(new PaymentRequest(invoice, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct))
                    if (update.Status == PaymentStatus.InFlight) break;
                credential = $"L402 {macaroon}:";
            }
            else
            {
                var payment = await payer.PayAsync(new PaymentRequest(invoice, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct);
                credential = $"L402 {macaroon}:{payment.Preimage!.Value.ToHex()}";
            }
            var retry = request();
            retry.Headers.TryAddWithoutValidation("Authorization", credential);
            return (await Http.SendAsync(retry, Ct), credential);
        }
    }

    public static HttpRequestMessage Json(HttpMethod method, string path, object body, string? authorization = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    public static HttpRequestMessage Bearer(HttpMethod method, string path, string macaroon, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", macaroon);
        return request;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking after each job the silo finishes.</summary>
    public Task WaitUntilAsync(Func<CancellationToken, Task<bool>> condition, string what, int timeoutSeconds = 60) =>
        silo.WaitUntilAsync(condition, TimeSpan.FromSeconds(timeoutSeconds), what, Ct);

    /// <summary>Reads a GET until <paramref name="done"/> holds, again after each job the silo finishes (what changes the answer).</summary>
    public async Task<JsonElement> PollAsync(string path, Func<JsonElement, bool> done, int timeoutSeconds = 90)
    {
        var json = default(JsonElement);
        await silo.WaitUntilAsync(async ct => done(json = await Http.GetFromJsonAsync<JsonElement>(path, ct)), TimeSpan.FromSeconds(timeoutSeconds), $"GET {path} to answer as expected", Ct);
        return json;
    }

    public ValueTask DisposeAsync() => silo.DisposeAsync();
}
