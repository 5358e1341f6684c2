using System.Net;
using System.Text;
using L402Train.Lightning;
using L402Train.Testing;

namespace L402Train.Silo.Tests.Fuzz;

/// <summary>What the HTTP fuzz found, each pinned by the request that answered 500 before its fix.</summary>
public sealed class FuzzFindingsTests : IAsyncLifetime
{
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("fuzz-findings", cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
    }

    [Theory]
    [InlineData("v1/invoices", """{"value":"1000","memo":null,"expiry":"3600"}""")]
    [InlineData("v2/invoices/hodl", """{"hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","value":"1000","memo":null,"expiry":null}""")]
    public async Task The_facade_takes_a_null_field_as_its_default_as_LND_does(string route, string body)
    {
        var node = silo!.Network.CreateFundedNode("nulls", new Sats(10_000));

        var status = await PostAsync($"simnet/nulls/{route}", body, ("Grpc-Metadata-macaroon", node.MacaroonHex));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("v1/invoices", """{"value":9223372036854775807}""")]
    [InlineData("v2/invoices/hodl", """{"hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","value":9223372036854775807,"cltv_expiry":"80"}""")]
    [InlineData("v1/invoices", """{"value_msat":"2100000000000000001"}""")]
    public async Task The_facade_refuses_an_amount_above_21_million_BTC_with_a_400(string route, string body)
    {
        var node = silo!.Network.CreateFundedNode("huge", new Sats(10_000));

        var status = await PostAsync($"simnet/huge/{route}", body, ("Grpc-Metadata-macaroon", node.MacaroonHex));

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    private async Task<HttpStatusCode> PostAsync(string path, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await silo!.Http.SendAsync(request, Ct);
        return response.StatusCode;
    }
}
