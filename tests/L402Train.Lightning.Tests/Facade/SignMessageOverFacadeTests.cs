using System.Net;
using System.Net.Http.Json;
using System.Text;
using L402Train.Lightning.Signing;
using Xunit;

namespace L402Train.Lightning.Tests.Facade;

/// <summary><c>POST /v1/signmessage</c> on the facade: a silo whose backend is a simnet node behind it (a worker) signs like one on LND.</summary>
public sealed class SignMessageOverFacadeTests
{
    [Fact]
    public async Task The_lnd_client_signs_through_the_facade_and_the_signature_recovers_the_node_key()
    {
        await using var host = await FacadeHost.StartAsync();
        var worker = host.Network.CreateFundedNode("worker", new Sats(1_000));
        var message = Encoding.UTF8.GetBytes("""{"name":"w"}""");

        var signature = await host.Client("worker").SignMessageAsync(message, TestContext.Current.CancellationToken);

        Assert.Equal(worker.Id, SignedMessage.Recover(message, signature));
        Assert.NotEqual(worker.Id, SignedMessage.Recover(Encoding.UTF8.GetBytes("""{"name":"x"}"""), signature));
    }

    [Fact]
    public async Task An_empty_message_and_single_hash_are_400s_in_lnd_shape()
    {
        await using var host = await FacadeHost.StartAsync();
        host.Network.CreateFundedNode("worker", new Sats(1_000));
        foreach (var body in new object[] { new { msg = "" }, new { msg = "aGk=", single_hash = true } })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Address, "simnet/worker/v1/signmessage")) { Content = JsonContent.Create(body) };
            request.Headers.Add("Grpc-Metadata-macaroon", host.Network.GetNode("worker").MacaroonHex);
            using var response = await host.Http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("\"message\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
    }
}
