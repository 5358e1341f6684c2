using L402Train.Lightning.Lnd;
using Xunit;

namespace L402Train.Lightning.Tests.Facade;

public sealed class LndClientOverFacadeTests
{
    private static PaymentRequest Pay(Invoice invoice, MilliSats? amount = null) =>
        new(invoice.PaymentRequest, new MilliSats(1_000), TimeSpan.FromSeconds(30), amount);

    [Fact]
    public async Task GetInfo_and_balance_report_the_simnet_node()
    {
        await using var host = await FacadeHost.StartAsync();
        var alice = host.Network.CreateFundedNode("alice", new Sats(25_000));
        var client = host.Client("alice");
        var info = await client.GetInfoAsync();
        Assert.Equal(alice.Id, info.Id);
        Assert.Equal("alice", info.Alias);
        Assert.Equal("simnet", info.Network);
        Assert.Equal(host.Network.BlockHeight, info.BlockHeight);
        var balance = await client.GetBalanceAsync();
        Assert.Equal(new Sats(25_000).ToMilliSats(), balance.Local);
        Assert.Equal(new Sats(25_000).ToMilliSats(), balance.Remote);
    }

    [Fact]
    public async Task Hold_invoice_lifecycle_runs_end_to_end_through_client_and_facade_with_streams()
    {
        await using var host = await FacadeHost.StartAsync();
        host.Network.CreateFundedNode("alice", new Sats(50_000));
        var coordinator = host.Client("coordinator");
        var alice = host.Client("alice");
        var preimage = Preimage.Random();

        var invoice = await coordinator.CreateHoldInvoiceAsync(new CreateHoldInvoiceRequest(preimage.Hash, new Sats(3_000).ToMilliSats(), "deposit", TimeSpan.FromMinutes(30)));
        Assert.Equal(preimage.Hash, invoice.Hash);
        Assert.True(invoice.IsHold);

        await using var subscription = coordinator.SubscribeInvoiceAsync(preimage.Hash).GetAsyncEnumerator();
        Assert.True(await subscription.MoveNextAsync());
        Assert.Equal(InvoiceState.Open, subscription.Current.State);

        await using var payment = alice.SendPaymentAsync(Pay(invoice)).GetAsyncEnumerator();
        Assert.True(await payment.MoveNextAsync());
        Assert.Equal(PaymentStatus.InFlight, payment.Current.Status);
        Assert.True(await subscription.MoveNextAsync());
        Assert.Equal(InvoiceState.Accepted, subscription.Current.State);
        Assert.Equal(new Sats(3_000).ToMilliSats(), subscription.Current.AmountPaid);
        Assert.Equal(InvoiceState.Accepted, (await coordinator.LookupInvoiceAsync(preimage.Hash))!.State);
        Assert.Equal(new Sats(3_000).ToMilliSats(), (await alice.GetBalanceAsync()).PendingOutgoing);

        await using var tracked = alice.TrackPaymentAsync(preimage.Hash).GetAsyncEnumerator();
        Assert.True(await tracked.MoveNextAsync());
        Assert.Equal(PaymentStatus.InFlight, tracked.Current.Status);

        await coordinator.SettleInvoiceAsync(preimage);
        Assert.True(await tracked.MoveNextAsync());
        Assert.Equal(PaymentStatus.Succeeded, tracked.Current.Status);
        Assert.Equal(preimage, tracked.Current.Preimage);
        Assert.True(await payment.MoveNextAsync());
        Assert.Equal(PaymentStatus.Succeeded, payment.Current.Status);
        Assert.Equal(preimage, payment.Current.Preimage);
        Assert.False(await payment.MoveNextAsync());
        Assert.True(await subscription.MoveNextAsync());
        Assert.Equal(InvoiceState.Settled, subscription.Current.State);
        Assert.False(await subscription.MoveNextAsync());

        await coordinator.SettleInvoiceAsync(preimage); // idempotent over REST too
        var error = await Assert.ThrowsAsync<InvoiceStateException>(() => coordinator.CancelInvoiceAsync(preimage.Hash));
        Assert.Equal("invoice already settled", error.Message);
        var looked = await alice.LookupPaymentAsync(preimage.Hash);
        Assert.Equal(PaymentStatus.Succeeded, looked!.Status);
        Assert.Equal(preimage, looked.Preimage);
    }

    [Fact]
    public async Task Cancelled_hold_invoice_fails_the_payment_and_settle_after_cancel_is_refused()
    {
        await using var host = await FacadeHost.StartAsync();
        host.Network.CreateFundedNode("alice", new Sats(50_000));
        var coordinator = host.Client("coordinator");
        var alice = host.Client("alice");
        var preimage = Preimage.Random();
        var invoice = await coordinator.CreateHoldInvoiceAsync(new CreateHoldInvoiceRequest(preimage.Hash, new Sats(1_000).ToMilliSats(), null, TimeSpan.FromMinutes(30)));
        await using var payment = alice.SendPaymentAsync(Pay(invoice)).GetAsyncEnumerator();
        Assert.True(await payment.MoveNextAsync());
        await coordinator.CancelInvoiceAsync(preimage.Hash);
        await coordinator.CancelInvoiceAsync(preimage.Hash);
        Assert.True(await payment.MoveNextAsync());
        Assert.Equal(PaymentStatus.Failed, payment.Current.Status);
        Assert.Equal(PaymentFailureReason.Canceled, payment.Current.FailureReason);
        var error = await Assert.ThrowsAsync<InvoiceStateException>(() => coordinator.SettleInvoiceAsync(preimage));
        Assert.Equal("invoice already canceled", error.Message);
        Assert.Equal(new Sats(50_000).ToMilliSats(), (await alice.GetBalanceAsync()).Local);
    }

    [Fact]
    public async Task Plain_invoice_pays_and_decodes_through_the_client()
    {
        await using var host = await FacadeHost.StartAsync();
        var alice = host.Network.CreateFundedNode("alice", new Sats(10_000));
        var aliceClient = host.Client("alice");
        var coordinator = host.Client("coordinator");
        var invoice = await aliceClient.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(250).ToMilliSats(), "reward ✓", TimeSpan.FromMinutes(10)));
        Assert.NotNull(invoice.Preimage);
        Assert.False(invoice.IsHold);

        var details = await coordinator.DecodeAsync(invoice.PaymentRequest);
        Assert.Equal(alice.Id, details.Destination);
        Assert.Equal(invoice.Hash, details.Hash);
        Assert.Equal(new Sats(250).ToMilliSats(), details.Amount);
        Assert.Equal("reward ✓", details.Description);
        Assert.Equal("bcrt", details.Network);
        Assert.Equal(TimeSpan.FromMinutes(10), details.Expiry);

        var paid = await coordinator.PayAsync(Pay(invoice));
        Assert.Equal(PaymentStatus.Succeeded, paid.Status);
        Assert.Equal(invoice.Preimage, paid.Preimage);
        var settled = await aliceClient.LookupInvoiceAsync(invoice.Hash);
        Assert.Equal(InvoiceState.Settled, settled!.State);
        Assert.Equal(invoice.Preimage, settled.Preimage);
        Assert.NotNull(settled.SettledAt);

        var again = await Assert.ThrowsAsync<PaymentRejectedException>(() => coordinator.PayAsync(Pay(invoice)));
        Assert.Equal("invoice is already paid", again.Message);
        Assert.Null(await coordinator.LookupPaymentAsync(Preimage.Random().Hash));
        Assert.Null(await coordinator.LookupInvoiceAsync(Preimage.Random().Hash));
    }

    [Fact]
    public async Task Payment_failures_and_refusals_arrive_typed()
    {
        await using var host = await FacadeHost.StartAsync();
        host.Network.CreateFundedNode("alice", new Sats(1_000));
        host.Network.CreateNode("island");
        var alice = host.Client("alice");
        var tooBig = await host.Client("coordinator").CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(5_000).ToMilliSats(), null, TimeSpan.FromMinutes(10)));
        Assert.Equal(PaymentFailureReason.InsufficientBalance, (await alice.PayAsync(Pay(tooBig))).FailureReason);
        var unreachable = await host.Client("island").CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(5).ToMilliSats(), null, TimeSpan.FromMinutes(10)));
        Assert.Equal(PaymentFailureReason.NoRoute, (await alice.PayAsync(Pay(unreachable))).FailureReason);
        var anyAmount = await host.Client("coordinator").CreateInvoiceAsync(new CreateInvoiceRequest(null, "tip", TimeSpan.FromMinutes(1)));
        await Assert.ThrowsAsync<PaymentRejectedException>(() => alice.PayAsync(Pay(anyAmount)));
        Assert.Equal(PaymentStatus.Succeeded, (await alice.PayAsync(Pay(anyAmount, new MilliSats(7_000)))).Status);
        var soon = await host.Client("coordinator").CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(1).ToMilliSats(), null, TimeSpan.FromMinutes(1)));
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await Assert.ThrowsAsync<PaymentRejectedException>(() => alice.PayAsync(Pay(soon)));
        Assert.StartsWith("invoice expired", expired.Message);
        await Assert.ThrowsAsync<InvoiceNotFoundException>(() => host.Client("coordinator").SettleInvoiceAsync(Preimage.Random()));
        await Assert.ThrowsAsync<InvoiceNotFoundException>(async () =>
        {
            await foreach (var _ in host.Client("coordinator").SubscribeInvoiceAsync(Preimage.Random().Hash)) { }
        });
    }

    [Fact]
    public async Task Hashes_whose_base64_has_plus_and_slash_travel_url_safe_in_paths_and_queries()
    {
        await using var host = await FacadeHost.StartAsync();
        var coordinator = host.Client("coordinator");
        Preimage preimage;
        do preimage = Preimage.Random();
        while (!(Convert.ToBase64String(preimage.Hash.Bytes) is var b64 && b64.Contains('+') && b64.Contains('/')));
        await coordinator.CreateHoldInvoiceAsync(new CreateHoldInvoiceRequest(preimage.Hash, new MilliSats(1_000), null, TimeSpan.FromMinutes(5)));
        Assert.Equal(InvoiceState.Open, (await coordinator.LookupInvoiceAsync(preimage.Hash))!.State);
        await using var stream = coordinator.SubscribeInvoiceAsync(preimage.Hash).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(preimage.Hash, stream.Current.Hash);
    }

    [Fact]
    public async Task Wrong_macaroon_and_unknown_node_are_refused_like_lnd()
    {
        await using var host = await FacadeHost.StartAsync();
        host.Network.CreateFundedNode("alice", new Sats(1_000));
        var wrong = host.Client("alice", host.Network.Coordinator.MacaroonHex);
        var denied = await Assert.ThrowsAsync<LndApiException>(() => wrong.GetInfoAsync());
        Assert.Equal(16, denied.GrpcCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, denied.HttpStatus);
        var missing = host.Client("nobody", "00");
        var notFound = await Assert.ThrowsAsync<LndApiException>(() => missing.GetInfoAsync());
        Assert.Equal(5, notFound.GrpcCode);
    }

    [Fact]
    public async Task Admin_route_creates_a_funded_node_whose_macaroon_works()
    {
        await using var host = await FacadeHost.StartAsync();
        using var response = await host.Http.PostAsync("simnet/nodes", new StringContent("""{"name":"carol","balance_sat":"200000"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var created = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var client = host.Client("carol", created.GetProperty("macaroon").GetString());
        var info = await client.GetInfoAsync();
        Assert.Equal(created.GetProperty("identity_pubkey").GetString(), info.Id.ToHex());
        Assert.Equal(new Sats(200_000).ToMilliSats(), (await client.GetBalanceAsync()).Local);

        using var duplicate = await host.Http.PostAsync("simnet/nodes", new StringContent("""{"name":"carol","balance_sat":1}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, duplicate.StatusCode);
        foreach (var bad in new[] { "{", """{"name":"../x","balance_sat":1}""", """{"name":"dave","balance_sat":-1}""", """{"name":"dave","extra":1}""", "[]" })
        {
            using var refused = await host.Http.PostAsync("simnet/nodes", new StringContent(bad, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        }
    }

    [Fact]
    public async Task Malformed_requests_get_lnd_shaped_400s_never_500s()
    {
        await using var host = await FacadeHost.StartAsync();
        var macaroon = host.Network.Coordinator.MacaroonHex;
        (HttpMethod Method, string Path, string? Body)[] cases =
        [
            (HttpMethod.Post, "simnet/coordinator/v1/invoices", """{"memo":"x","value_msat":"1000","bogus":true}"""),
            (HttpMethod.Post, "simnet/coordinator/v1/invoices", "{not json"),
            (HttpMethod.Post, "simnet/coordinator/v1/invoices", """{"value":"1","value_msat":"1000"}"""),
            (HttpMethod.Post, "simnet/coordinator/v2/invoices/hodl", """{"hash":"AAEC","value_msat":"1000"}"""),
            (HttpMethod.Post, "simnet/coordinator/v2/invoices/settle", """{"preimage":"!!!"}"""),
            (HttpMethod.Get, "simnet/coordinator/v2/invoices/lookup", null),
            (HttpMethod.Get, "simnet/coordinator/v2/invoices/lookup?payment_hash=zz", null),
            (HttpMethod.Get, "simnet/coordinator/v1/payreq/lnbc1garbage", null),
            (HttpMethod.Post, "simnet/coordinator/v2/router/send", """{"payment_request":"lnbcrt1xyz"}"""),
            (HttpMethod.Get, "simnet/coordinator/v2/invoices/subscribe/AAEC", null),
        ];
        foreach (var (method, path, body) in cases)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("Grpc-Metadata-macaroon", macaroon);
            if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await host.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{method} {path}: {(int)response.StatusCode} {text}");
            Assert.Contains("\"message\"", text);
        }
    }
}
