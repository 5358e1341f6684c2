using System.Net;
using System.Text.Json;
using L402Train.Lightning.Bolt11;
using L402Train.Lightning.Lnd;
using Xunit;

namespace L402Train.Lightning.Tests.Lnd;

/// <summary>The client against LND's JSON as LND's REST docs and swagger describe it (int64 strings, base64 bytes, hex payment fields, stream framing, errors).</summary>
public sealed class LndJsonSampleTests
{
    private static readonly NodeKey Payee = NodeKey.FromHex("e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734");

    private static (Preimage Preimage, string Bolt11) SampleInvoice(long msat = 1_000_000)
    {
        var preimage = Preimage.Random();
        var bolt11 = Bolt11Invoice.Sign(new Bolt11Request("bcrt", preimage.Hash, new byte[32], DateTimeOffset.FromUnixTimeSeconds(1_767_225_600))
        {
            Amount = new MilliSats(msat),
            Description = "l402",
            Expiry = TimeSpan.FromSeconds(86400),
            MinFinalCltvExpiry = 80,
        }, Payee);
        return (preimage, bolt11.PaymentRequest);
    }

    private static string InvoiceJson(Preimage preimage, string bolt11, string state, bool withPreimage) => $$$"""
        {"memo":"l402","r_preimage":"{{{(withPreimage ? Convert.ToBase64String(preimage.Bytes) : "")}}}","r_hash":"{{{Convert.ToBase64String(preimage.Hash.Bytes)}}}",
         "value":"1000","value_msat":"1000000","settled":{{{(state == "SETTLED" ? "true" : "false")}}},"creation_date":"1767225600","settle_date":"{{{(state == "SETTLED" ? "1767225660" : "0")}}}",
         "payment_request":"{{{bolt11}}}","description_hash":"","expiry":"86400","fallback_addr":"","cltv_expiry":"80","route_hints":[],"private":false,
         "add_index":"7","settle_index":"0","amt_paid":"1000","amt_paid_sat":"1000","amt_paid_msat":"1000000","state":"{{{state}}}",
         "htlcs":[{"chan_id":"129127208515584","htlc_index":"0","amt_msat":"1000000","accept_height":120,"accept_time":"1767225630","resolve_time":"0",
                   "expiry_height":200,"state":"ACCEPTED","custom_records":{},"mpp_total_amt_msat":"1000000","amp":null,"custom_channel_data":""}],
         "features":{"9":{"name":"tlv-onion","is_required":false,"is_known":true}},"is_keysend":false,"payment_addr":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
         "is_amp":false,"amp_invoice_state":{},"is_blinded":false,"blinded_path_config":null}
        """.ReplaceLineEndings("");

    private static string PaymentJson(Preimage preimage, string bolt11, string status, string preimageHex, string reason = "FAILURE_REASON_NONE") => $$$"""
        {"payment_hash":"{{{preimage.Hash.ToHex()}}}","value":"1000","creation_date":"1767225600","fee":"0","payment_preimage":"{{{preimageHex}}}",
         "value_sat":"1000","value_msat":"1000000","payment_request":"{{{bolt11}}}","status":"{{{status}}}","fee_sat":"0","fee_msat":"1000",
         "creation_time_ns":"1767225600123456789","htlcs":[{"attempt_id":"1","status":"IN_FLIGHT","route":null,"attempt_time_ns":"1767225600200000000",
         "resolve_time_ns":"0","failure":null,"preimage":""}],"payment_index":"12","failure_reason":"{{{reason}}}","first_hop_custom_records":{}}
        """.ReplaceLineEndings("");

    [Fact]
    public async Task Invoice_lookup_reads_int64_strings_and_base64_bytes_and_sends_url_safe_padded_hash()
    {
        var (preimage, bolt11) = SampleInvoice();
        var lnd = new FakeLnd().Answer(InvoiceJson(preimage, bolt11, "ACCEPTED", withPreimage: false));
        using var client = lnd.Client();
        var invoice = await client.LookupInvoiceAsync(preimage.Hash);
        Assert.Equal(InvoiceState.Accepted, invoice!.State);
        Assert.Equal(new MilliSats(1_000_000), invoice.Amount);
        Assert.Equal(new MilliSats(1_000_000), invoice.AmountPaid);
        Assert.Equal(preimage.Hash, invoice.Hash);
        Assert.True(invoice.IsHold);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_767_225_600 + 86_400), invoice.ExpiresAt);
        var (method, path, _, macaroon) = Assert.Single(lnd.Requests);
        Assert.Equal(HttpMethod.Get, method);
        Assert.Equal("/v2/invoices/lookup?payment_hash=" + LndJson.EncodeUrlBytes(preimage.Hash.Bytes), path);
        Assert.EndsWith("=", path);
        Assert.DoesNotContain('+', path);
        Assert.DoesNotContain('/', path["/v2/invoices/lookup".Length..]);
        Assert.Equal("0201036c6e64", macaroon);
    }

    [Fact]
    public async Task ListInvoices_sends_the_page_as_query_parameters_and_reads_indexes_and_hold_invoices()
    {
        var (settled, settledBolt11) = SampleInvoice();
        var (held, heldBolt11) = SampleInvoice();
        var page = "{\"invoices\":[" + InvoiceJson(settled, settledBolt11, "SETTLED", withPreimage: true).Replace("\"settle_index\":\"0\"", "\"settle_index\":\"3\"", StringComparison.Ordinal)
            + "," + InvoiceJson(held, heldBolt11, "ACCEPTED", withPreimage: false).Replace("\"add_index\":\"7\"", "\"add_index\":\"9\"", StringComparison.Ordinal)
            + "],\"last_index_offset\":\"9\",\"first_index_offset\":\"7\"}";
        var lnd = new FakeLnd().Answer(page);
        using var client = lnd.Client();

        var listed = await client.ListInvoicesAsync(new InvoiceQuery(6, 50));

        Assert.Equal((7L, 9L), (listed.FirstIndexOffset, listed.LastIndexOffset));
        Assert.Equal([(settled.Hash, 7L, 3L, InvoiceState.Settled, false), (held.Hash, 9L, 0L, InvoiceState.Accepted, true)],
            listed.Invoices.Select(i => (i.Hash, i.AddIndex, i.SettleIndex, i.State, i.IsHold)));
        var (method, path, _, _) = Assert.Single(lnd.Requests);
        Assert.Equal(HttpMethod.Get, method);
        Assert.Equal("/v1/invoices?index_offset=6&num_max_invoices=50&reversed=false&pending_only=false", path);
    }

    [Fact]
    public async Task Settled_invoice_carries_its_preimage_and_a_wrong_one_is_refused()
    {
        var (preimage, bolt11) = SampleInvoice();
        var lnd = new FakeLnd().Answer(InvoiceJson(preimage, bolt11, "SETTLED", withPreimage: true))
            .Answer(InvoiceJson(preimage, bolt11, "SETTLED", withPreimage: false).Replace("\"r_preimage\":\"\"", $"\"r_preimage\":\"{Convert.ToBase64String(Preimage.Random().Bytes)}\"", StringComparison.Ordinal));
        using var client = lnd.Client();
        var settled = await client.LookupInvoiceAsync(preimage.Hash);
        Assert.Equal(preimage, settled!.Preimage);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_767_225_660), settled.SettledAt);
        await Assert.ThrowsAsync<LightningException>(() => client.LookupInvoiceAsync(preimage.Hash));
    }

    [Fact]
    public async Task SendPaymentV2_stream_lines_are_parsed_incrementally_with_a_hex_preimage()
    {
        var (preimage, bolt11) = SampleInvoice();
        var stream = "{\"result\":" + PaymentJson(preimage, bolt11, "IN_FLIGHT", new string('0', 64)) + "}\n"
            + "{\"result\":" + PaymentJson(preimage, bolt11, "SUCCEEDED", preimage.ToHex()) + "}\n";
        var lnd = new FakeLnd().Answer(stream);
        using var client = lnd.Client();
        var updates = new List<Payment>();
        await foreach (var update in client.SendPaymentAsync(new PaymentRequest(bolt11, new MilliSats(5_000), TimeSpan.FromSeconds(30)))) updates.Add(update);
        Assert.Equal([PaymentStatus.InFlight, PaymentStatus.Succeeded], updates.Select(u => u.Status));
        Assert.Equal(preimage, updates[1].Preimage); // hex, not misread as base64
        Assert.Equal(new MilliSats(1_000), updates[1].Fee);

        var body = JsonDocument.Parse(Assert.Single(lnd.Requests).Body!).RootElement;
        Assert.Equal(bolt11, body.GetProperty("payment_request").GetString());
        Assert.Equal("5000", body.GetProperty("fee_limit_msat").GetString());
        Assert.Equal(30, body.GetProperty("timeout_seconds").GetInt32());
        Assert.Equal(["payment_request", "amt_msat", "fee_limit_msat", "timeout_seconds", "no_inflight_updates"],
            body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_succeeded_payment_whose_preimage_does_not_hash_to_the_payment_hash_is_an_error()
    {
        var (preimage, bolt11) = SampleInvoice();
        var lnd = new FakeLnd().Answer("{\"result\":" + PaymentJson(preimage, bolt11, "SUCCEEDED", Preimage.Random().ToHex()) + "}\n");
        using var client = lnd.Client();
        await Assert.ThrowsAsync<LightningException>(() => client.PayAsync(new PaymentRequest(bolt11, MilliSats.Zero, TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task Failed_payment_reports_lnd_failure_reason()
    {
        var (preimage, bolt11) = SampleInvoice();
        var lnd = new FakeLnd().Answer("{\"result\":" + PaymentJson(preimage, bolt11, "FAILED", new string('0', 64), "FAILURE_REASON_INCORRECT_PAYMENT_DETAILS") + "}\n");
        using var client = lnd.Client();
        var payment = await client.PayAsync(new PaymentRequest(bolt11, MilliSats.Zero, TimeSpan.FromSeconds(5)));
        Assert.Equal(PaymentStatus.Failed, payment.Status);
        Assert.Equal(PaymentFailureReason.IncorrectPaymentDetails, payment.FailureReason);
        Assert.Null(payment.Preimage);
    }

    [Fact]
    public async Task Stream_error_line_becomes_a_typed_exception_with_lnds_message()
    {
        var (_, bolt11) = SampleInvoice();
        var lnd = new FakeLnd().Answer("{\"error\":{\"code\":2,\"message\":\"invoice is already paid\",\"details\":[]}}\n", HttpStatusCode.InternalServerError);
        using var client = lnd.Client();
        var error = await Assert.ThrowsAsync<PaymentRejectedException>(() => client.PayAsync(new PaymentRequest(bolt11, MilliSats.Zero, TimeSpan.FromSeconds(5))));
        Assert.Equal("invoice is already paid", error.Message);
    }

    [Fact]
    public async Task Unary_error_body_keeps_the_grpc_code_and_message()
    {
        var lnd = new FakeLnd().Answer("{\"code\":3,\"message\":\"parsing field \\\"payment_hash\\\": illegal base64 data at input byte 12\",\"details\":[]}", HttpStatusCode.BadRequest);
        using var client = lnd.Client();
        var error = await Assert.ThrowsAsync<LndApiException>(() => client.GetInfoAsync());
        Assert.Equal(3, error.GrpcCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatus);
        Assert.Equal("parsing field \"payment_hash\": illegal base64 data at input byte 12", error.Message);
    }

    [Fact]
    public async Task Reads_are_retried_on_a_transient_gateway_error_but_invoice_creation_is_not()
    {
        var getInfo = """{"version":"0.18.4-beta","identity_pubkey":"03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad","alias":"coord","num_active_channels":2,"num_peers":2,"block_height":812345,"block_hash":"00","best_header_timestamp":"1767225600","synced_to_chain":true,"synced_to_graph":true,"testnet":false,"chains":[{"chain":"bitcoin","network":"regtest"}],"uris":[],"features":{}}""";
        var lnd = new FakeLnd().Answer("upstream down", HttpStatusCode.ServiceUnavailable).Answer(getInfo)
            .Answer("upstream down", HttpStatusCode.ServiceUnavailable);
        using var client = lnd.Client();
        var info = await client.GetInfoAsync();
        Assert.Equal(812345, info.BlockHeight);
        Assert.Equal("regtest", info.Network);
        Assert.Equal(2, lnd.Requests.Count);
        await Assert.ThrowsAsync<LndApiException>(() => client.CreateHoldInvoiceAsync(new CreateHoldInvoiceRequest(Preimage.Random().Hash, new MilliSats(1000), null, TimeSpan.FromMinutes(1))));
        Assert.Equal(3, lnd.Requests.Count);
        var hodl = JsonDocument.Parse(lnd.Requests[2].Body!).RootElement;
        Assert.Equal("1000", hodl.GetProperty("value_msat").GetString());
        Assert.Equal("60", hodl.GetProperty("expiry").GetString());
        Assert.Equal(44, hodl.GetProperty("hash").GetString()!.Length);
    }

    [Fact]
    public async Task Channel_balance_and_payreq_samples_parse()
    {
        var (preimage, bolt11) = SampleInvoice(2_500_000);
        var balance = """{"balance":"90000","pending_open_balance":"0","local_balance":{"sat":"90000","msat":"90000000"},"remote_balance":{"sat":"110000","msat":"110000000"},"unsettled_local_balance":{"sat":"3000","msat":"3000000"},"unsettled_remote_balance":{"sat":"0","msat":"0"},"pending_open_local_balance":{"sat":"0","msat":"0"},"pending_open_remote_balance":{"sat":"0","msat":"0"},"custom_channel_data":""}""";
        var payReq = $$$"""{"destination":"{{{Payee.Id.ToHex()}}}","payment_hash":"{{{preimage.Hash.ToHex()}}}","num_satoshis":"2500","timestamp":"1767225600","expiry":"86400","description":"l402","description_hash":"","fallback_addr":"","cltv_expiry":"80","route_hints":[],"payment_addr":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","num_msat":"2500000","features":{},"blinded_paths":[]}""";
        var lnd = new FakeLnd().Answer(balance).Answer(payReq);
        using var client = lnd.Client();
        var b = await client.GetBalanceAsync();
        Assert.Equal(new MilliSats(90_000_000), b.Local);
        Assert.Equal(new MilliSats(110_000_000), b.Remote);
        Assert.Equal(new MilliSats(3_000_000), b.PendingOutgoing);
        var details = await client.DecodeAsync(bolt11);
        Assert.Equal(Payee.Id, details.Destination);
        Assert.Equal(new MilliSats(2_500_000), details.Amount);
        Assert.Equal(80, details.MinFinalCltvExpiry);
        Assert.Equal("bcrt", details.Network);
        Assert.Equal("/v1/payreq/" + bolt11, lnd.Requests[1].PathAndQuery);
    }
}
