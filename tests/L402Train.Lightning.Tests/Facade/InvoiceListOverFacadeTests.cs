using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace L402Train.Lightning.Tests.Facade;

/// <summary><c>GET /v1/invoices</c> (ListInvoices) on the facade, through our LND client and as raw LND REST.</summary>
public sealed class InvoiceListOverFacadeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_lnd_client_pages_through_the_facade_with_indexes_states_and_hold_flags()
    {
        await using var host = await FacadeHost.StartAsync();
        host.Network.CreateFundedNode("alice", new Sats(50_000));
        var coordinator = host.Client("coordinator");
        var fee = await coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(10).ToMilliSats(), "L402 checkpoint", TimeSpan.FromMinutes(10)), Ct);
        var deposit = await coordinator.CreateHoldInvoiceAsync(new CreateHoldInvoiceRequest(Preimage.Random().Hash, new Sats(500).ToMilliSats(), "L402 gradient", TimeSpan.FromMinutes(10)), Ct);
        var later = await coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(20).ToMilliSats(), "later", TimeSpan.FromMinutes(10)), Ct);
        await host.Client("alice").PayAsync(new PaymentRequest(fee.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct);

        var first = await coordinator.ListInvoicesAsync(new InvoiceQuery(0, 2), Ct);
        var next = await coordinator.ListInvoicesAsync(new InvoiceQuery(first.LastIndexOffset, 2), Ct);
        var end = await coordinator.ListInvoicesAsync(new InvoiceQuery(next.LastIndexOffset, 2), Ct);

        Assert.Equal([fee.Hash, deposit.Hash], first.Invoices.Select(i => i.Hash));
        Assert.Equal([later.Hash], next.Invoices.Select(i => i.Hash));
        Assert.Empty(end.Invoices);
        var paid = first.Invoices[0];
        Assert.Equal((InvoiceState.Settled, "L402 checkpoint", false, new Sats(10).ToMilliSats()), (paid.State, paid.Memo, paid.IsHold, paid.AmountPaid));
        Assert.True(first.Invoices[1].IsHold);
        Assert.Equal((await host.Network.Coordinator.LookupInvoiceAsync(fee.Hash, Ct))!.AddIndex, paid.AddIndex);
        Assert.True(paid.SettleIndex > 0);
        Assert.Equal((paid.AddIndex, first.Invoices[1].AddIndex), (first.FirstIndexOffset, first.LastIndexOffset));
    }

    [Fact]
    public async Task Query_parameters_are_read_as_lnd_reads_them()
    {
        await using var host = await FacadeHost.StartAsync();
        var node = host.Network.Coordinator;
        for (var i = 0; i < 3; i++) await node.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(1 + i).ToMilliSats(), $"n{i}", TimeSpan.FromMinutes(10)), Ct);
        await node.CancelInvoiceAsync((await node.ListInvoicesAsync(new InvoiceQuery(), Ct)).Invoices[2].Hash, Ct);

        async Task<JsonElement> ListAsync(string query)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "simnet/coordinator/v1/invoices" + query);
            request.Headers.Add("Grpc-Metadata-macaroon", node.MacaroonHex);
            using var response = await host.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        }
        static string[] Memos(JsonElement page) => [.. page.GetProperty("invoices").EnumerateArray().Select(i => i.GetProperty("memo").GetString()!)];

        // JSON (camelCase) names too, Go booleans, and parameters that name no field are ignored, as grpc-gateway does.
        Assert.Equal(["n1"], Memos(await ListAsync("?indexOffset=1&numMaxInvoices=1&unknown_param=x")));
        Assert.Equal(["n0", "n1"], Memos(await ListAsync("?pending_only=T")));
        Assert.Equal(["n1", "n2"], Memos(await ListAsync("?reversed=1&num_max_invoices=2")));
        var all = await ListAsync("");
        Assert.Equal(["n0", "n1", "n2"], Memos(all));
        // uint64 fields are JSON strings, as LND writes them.
        Assert.Equal(JsonValueKind.String, all.GetProperty("last_index_offset").ValueKind);
        Assert.Equal(JsonValueKind.String, all.GetProperty("invoices")[0].GetProperty("add_index").ValueKind);
        var future = DateTimeOffset.UtcNow.AddYears(10).ToUnixTimeSeconds();
        Assert.Empty(Memos(await ListAsync($"?creation_date_start={future}")));
    }

    [Theory]
    [InlineData("?index_offset=abc", "index_offset")]
    [InlineData("?num_max_invoices=-1", "num_max_invoices")]
    [InlineData("?reversed=maybe", "reversed")]
    [InlineData("?creation_date_start=20&creation_date_end=10", "start date")]
    public async Task A_value_lnd_cannot_parse_is_a_400_in_lnd_shape_naming_it(string query, string named)
    {
        await using var host = await FacadeHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "simnet/coordinator/v1/invoices" + query);
        request.Headers.Add("Grpc-Metadata-macaroon", host.Network.Coordinator.MacaroonHex);
        using var response = await host.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(3, error.GetProperty("code").GetInt32());
        Assert.Contains(named, error.GetProperty("message").GetString());
    }
}
