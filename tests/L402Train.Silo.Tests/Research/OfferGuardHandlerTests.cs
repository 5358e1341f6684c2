using System.Net;
using System.Security.Cryptography;
using L402Train.Lightning;
using L402Train.Lightning.Bolt11;
using L402Train.PeerAgent.Research;

namespace L402Train.Silo.Tests.Research;

/// <summary>The guard under the L402 handler: a 402 that asks another price than the probe read, or pays another node than the registration's, is never paid.</summary>
public sealed class OfferGuardHandlerTests
{
    private static readonly NodeKey Worker = NodeKey.Generate();

    private static async Task<HttpResponseMessage> SendAsync(long invoiceSat, NodeKey payee, ExpectedOffer expected)
    {
        var invoice = Bolt11Invoice.Sign(new Bolt11Request("bcrt", Preimage.Random().Hash, RandomNumberGenerator.GetBytes(32), TimeProvider.System.GetUtcNow())
        {
            Amount = new Sats(invoiceSat).ToMilliSats(), Description = "experiment",
        }, payee);
        using var guard = new OfferGuardHandler { InnerHandler = new Answer(invoice.PaymentRequest) };
        using var client = new HttpClient(guard);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://worker.invalid/experiment");
        request.Options.Set(OfferGuardHandler.Expected, expected);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_probed_price_to_the_registered_node_passes_to_the_payment_handler()
    {
        using var response = await SendAsync(50, Worker, new ExpectedOffer(50, Worker.Id.ToHex()));
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
    }

    [Fact]
    public async Task A_higher_price_or_another_payee_stops_the_request_before_payment()
    {
        var dearer = await Assert.ThrowsAsync<WorkerFailedException>(() => SendAsync(60, Worker, new ExpectedOffer(50, Worker.Id.ToHex())));
        Assert.Contains("asks 60 sat, the probe said 50 sat", dearer.Message, StringComparison.Ordinal);
        var elsewhere = await Assert.ThrowsAsync<WorkerFailedException>(() => SendAsync(50, NodeKey.Generate(), new ExpectedOffer(50, Worker.Id.ToHex())));
        Assert.Contains("pays another node", elsewhere.Message, StringComparison.Ordinal);
    }

    private sealed class Answer(string invoice) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.PaymentRequired);
            response.Headers.WwwAuthenticate.ParseAdd($"L402 macaroon=\"AgEEbHNhdAJCAAA=\", invoice=\"{invoice}\"");
            return Task.FromResult(response);
        }
    }
}
