using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Silo.Hosting;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>A real silo with the worker role (and the gateway's index) on SQLite and simnet, and a funded buyer that pays 402s by hand.</summary>
internal sealed class WorkerHost : IAsyncDisposable
{
    private readonly EmbeddedSilo silo;

    private const string BuyerName = "buyer";

    private WorkerHost(EmbeddedSilo silo)
    {
        this.silo = silo;
        // A silo started on a kept data directory finds the buyer its simnet already holds.
        Buyer = silo.Network.FindNode(BuyerName) ?? silo.Network.CreateFundedNode(BuyerName, new Sats(100_000));
    }

    public EmbeddedSilo Silo => silo;

    public WebApplication App => silo.App;
    public HttpClient Http => silo.Http;
    public SimnetNetwork Network => silo.Network;
    public SimnetNode Buyer { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts the worker silo; <paramref name="configure"/> and <paramref name="dataDir"/> are <see cref="EmbeddedSilo.StartAsync"/>'s.</summary>
    public static async Task<WorkerHost> StartAsync(string roles = "gateway,settler,worker", Func<SiloSettings, SiloSettings>? adjust = null,
        Action<WebApplicationBuilder>? configure = null, DirectoryInfo? dataDir = null) =>
        new(await EmbeddedSilo.StartAsync("worker", settings =>
        {
            settings = settings with { Roles = roles.Split(',').ToHashSet(StringComparer.OrdinalIgnoreCase) };
            return adjust is null ? settings : adjust(settings);
        }, Ct, configure, dataDir));

    /// <summary>Sends the request unpaid (expecting 402), locks the hold invoice's HTLC from <see cref="Buyer"/>, and sends it again with the credential.</summary>
    public async Task<(HttpResponseMessage Response, PaymentHash Hash, string Invoice)> PaidAsync(Func<HttpRequestMessage> request)
    {
        using var first = await Http.SendAsync(request(), Ct);
        Assert.Equal(HttpStatusCode.PaymentRequired, first.StatusCode);
        var challenge = await first.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("hold", challenge.GetProperty("mode").GetString());
        var macaroon = challenge.GetProperty("macaroon").GetString()!;
        var invoice = challenge.GetProperty("invoice").GetString()!;
        await foreach (var update in Buyer.SendPaymentAsync(new PaymentRequest(invoice, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct))
            if (update.Status == PaymentStatus.InFlight) break;
        var retry = request();
        retry.Headers.TryAddWithoutValidation("Authorization", $"L402 {macaroon}:");
        var hash = PaymentHash.FromHex(challenge.GetProperty("payment_hash").GetString()!);
        return (await Http.SendAsync(retry, Ct), hash, invoice);
    }

    public static HttpRequestMessage Post(string path, object? body) =>
        new(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };

    /// <summary>Reads the experiment until its payment is final (each read long-polls on the server).</summary>
    public async Task<JsonElement> FinalAsync(string location)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var settled = Network.Coordinator;
        while (true)
        {
            var json = await Http.GetFromJsonAsync<JsonElement>(location + "?wait=5", timeout.Token);
            var hash = PaymentHash.FromHex(json.GetProperty("payment_hash").GetString()!);
            var invoice = await settled.LookupInvoiceAsync(hash, timeout.Token);
            if (invoice!.State is InvoiceState.Settled or InvoiceState.Canceled && json.GetProperty("state").GetString() is not ("queued" or "running"))
                return json;
            // The settle job runs after delivery: wait for the node, which has no long-poll of its own.
            await foreach (var change in settled.SubscribeInvoiceAsync(hash, timeout.Token))
                if (change.State is InvoiceState.Settled or InvoiceState.Canceled) break;
        }
    }

    public ValueTask DisposeAsync() => silo.DisposeAsync();
}
