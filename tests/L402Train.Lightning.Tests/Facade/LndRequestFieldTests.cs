using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.Lightning.Simnet;
using Xunit;
using static L402Train.Lightning.Tests.Simnet.SimnetFixture;

namespace L402Train.Lightning.Tests.Facade;

/// <summary>
/// The facade takes every field LND's REST API takes for each message it serves. The field lists
/// below are copied from lnd's protos (lnrpc/lightning.proto Invoice, invoicesrpc AddHoldInvoiceRequest,
/// SettleInvoiceMsg, CancelInvoiceMsg, routerrpc SendPaymentRequest), independently of the facade's own table.
/// </summary>
public sealed class LndRequestFieldTests
{
    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private static JsonObject InvoiceBody(Preimage preimage) => new()
    {
        ["memo"] = "every field", ["r_preimage"] = B64(preimage.Bytes.ToArray()), ["r_hash"] = "", ["value"] = "0", ["value_msat"] = "5000",
        ["settled"] = false, ["creation_date"] = "0", ["settle_date"] = "0", ["payment_request"] = "", ["description_hash"] = "",
        ["expiry"] = "600", ["fallback_addr"] = "", ["cltv_expiry"] = "40", ["route_hints"] = new JsonArray(), ["private"] = false,
        ["add_index"] = "0", ["settle_index"] = "0", ["amt_paid"] = "0", ["amt_paid_sat"] = "0", ["amt_paid_msat"] = "0",
        ["state"] = "OPEN", ["htlcs"] = new JsonArray(), ["features"] = new JsonObject(), ["is_keysend"] = false, ["payment_addr"] = "",
        ["is_amp"] = false, ["amp_invoice_state"] = new JsonObject(), ["is_blinded"] = false, ["blinded_path_config"] = null,
    };

    private static JsonObject HoldBody(PaymentHash hash) => new()
    {
        ["memo"] = "deposit", ["hash"] = B64(hash.Bytes.ToArray()), ["value"] = "0", ["value_msat"] = "3000", ["description_hash"] = "",
        ["expiry"] = "600", ["fallback_addr"] = "", ["cltv_expiry"] = "100", ["route_hints"] = new JsonArray(), ["private"] = false,
    };

    private static JsonObject SendBody(string paymentRequest) => new()
    {
        ["dest"] = "", ["amt"] = "0", ["payment_hash"] = "", ["final_cltv_delta"] = 0, ["payment_request"] = paymentRequest,
        ["timeout_seconds"] = 30, ["fee_limit_sat"] = "10", ["cltv_limit"] = 1000, ["route_hints"] = new JsonArray(),
        ["dest_custom_records"] = new JsonObject(), ["amt_msat"] = "0", ["fee_limit_msat"] = "0", ["last_hop_pubkey"] = "",
        ["allow_self_payment"] = false, ["dest_features"] = new JsonArray(), ["max_parts"] = 16, ["no_inflight_updates"] = true,
        ["outgoing_chan_ids"] = new JsonArray(), ["payment_addr"] = "", ["max_shard_size_msat"] = "0", ["amp"] = false,
        ["time_pref"] = 0.5, ["cancelable"] = true, ["first_hop_custom_records"] = new JsonObject(),
    };

    public static TheoryData<bool> Spellings => new() { false, true };

    [Theory]
    [MemberData(nameof(Spellings))]
    public async Task Every_served_message_accepts_its_full_lnd_field_set(bool camelCase)
    {
        await using var host = await FacadeHost.StartAsync();
        var alice = host.Network.CreateFundedNode("alice", new Sats(100_000));
        var bob = host.Network.CreateFundedNode("bob", new Sats(100_000));

        var plain = await Post(host, "coordinator", "v1/invoices", Spell(InvoiceBody(Preimage.Random()), camelCase));
        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Equal(29, InvoiceBody(Preimage.Random()).Count);

        var deposit = Preimage.Random();
        var hold = await Post(host, "coordinator", "v2/invoices/hodl", Spell(HoldBody(deposit.Hash), camelCase));
        Assert.Equal(HttpStatusCode.OK, hold.Status);
        var (first, stream) = await StartAsync(alice, new PaymentRequest(hold.Json!["payment_request"]!.GetValue<string>(), MilliSats.Zero, TimeSpan.FromSeconds(60)));
        Assert.Equal(PaymentStatus.InFlight, first.Status);
        var settle = await Post(host, "coordinator", "v2/invoices/settle", Spell(new JsonObject { ["preimage"] = B64(deposit.Bytes.ToArray()) }, camelCase));
        Assert.Equal(HttpStatusCode.OK, settle.Status);
        Assert.Equal(PaymentStatus.Succeeded, (await FinalAsync(stream)).Status);

        var other = await host.Network.Coordinator.CreateHoldInvoiceAsync(Hold(Preimage.Random(), 10));
        var cancel = await Post(host, "coordinator", "v2/invoices/cancel", Spell(new JsonObject { ["payment_hash"] = B64(other.Hash.Bytes.ToArray()) }, camelCase));
        Assert.Equal(HttpStatusCode.OK, cancel.Status);

        var bill = await bob.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(1_000).ToMilliSats(), "bill", TimeSpan.FromMinutes(10)));
        var send = await Post(host, "alice", "v2/router/send", Spell(SendBody(bill.PaymentRequest), camelCase));
        Assert.Equal(HttpStatusCode.OK, send.Status);
        Assert.Contains("\"SUCCEEDED\"", send.Text);
        Assert.DoesNotContain("\"IN_FLIGHT\"", send.Text); // no_inflight_updates honoured
        Assert.Equal(24, SendBody("").Count);
    }

    [Fact]
    public async Task Unknown_duplicate_and_mistyped_fields_are_refused_naming_the_field_as_lnd_does()
    {
        await using var host = await FacadeHost.StartAsync();
        string[] routes = ["v1/invoices", "v2/invoices/hodl", "v2/invoices/settle", "v2/invoices/cancel", "v2/router/send"];
        foreach (var route in routes)
        {
            var unknown = await Post(host, "coordinator", route, new JsonObject { ["no_such_field"] = 1 });
            Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
            // A streaming route (router/send) wraps the status in {"error": ...}, as grpc-gateway does.
            var status = unknown.Json!["error"] as JsonObject ?? unknown.Json;
            Assert.Equal(3, status["code"]!.GetValue<int>());
            Assert.Contains("unknown field \"no_such_field\"", status["message"]!.GetValue<string>());
        }
        var duplicate = await Post(host, "coordinator", "v1/invoices", JsonNode.Parse("""{"value_msat":"1000","valueMsat":"1000"}""")!.AsObject());
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Status);
        Assert.Contains("duplicate field", duplicate.Text);
        var mistyped = await Post(host, "coordinator", "v1/invoices", new JsonObject { ["value_msat"] = true });
        Assert.Equal(HttpStatusCode.BadRequest, mistyped.Status);
        Assert.Contains("value_msat", mistyped.Text);
    }

    [Fact]
    public async Task Fee_limit_sat_and_amt_are_honoured_by_router_send()
    {
        await using var host = await FacadeHost.StartAsync(new SimnetOptions { FeeBaseMsat = 1_000 });
        host.Network.CreateFundedNode("alice", new Sats(100_000));
        var bob = host.Network.CreateFundedNode("bob", new Sats(100_000));
        var first = await bob.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(500).ToMilliSats(), "fee test", TimeSpan.FromMinutes(10)));
        var refused = await Post(host, "alice", "v2/router/send", new JsonObject { ["payment_request"] = first.PaymentRequest, ["fee_limit_sat"] = "0", ["no_inflight_updates"] = true });
        Assert.Contains("\"FAILED\"", refused.Text);
        var second = await bob.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(500).ToMilliSats(), "fee test 2", TimeSpan.FromMinutes(10)));
        var paid = await Post(host, "alice", "v2/router/send", new JsonObject { ["payment_request"] = second.PaymentRequest, ["fee_limit_sat"] = "1", ["no_inflight_updates"] = true });
        Assert.Contains("\"SUCCEEDED\"", paid.Text);
        Assert.Contains("\"fee_msat\":\"1000\"", paid.Text);

        var amountless = await bob.CreateInvoiceAsync(new CreateInvoiceRequest(null, "any", TimeSpan.FromMinutes(10)));
        var byAmt = await Post(host, "alice", "v2/router/send", new JsonObject { ["payment_request"] = amountless.PaymentRequest, ["amt"] = "700", ["feeLimitSat"] = "1", ["noInflightUpdates"] = true });
        Assert.Contains("\"value_msat\":\"700000\"", byAmt.Text);

        var both = await Post(host, "alice", "v2/router/send", new JsonObject { ["payment_request"] = amountless.PaymentRequest, ["fee_limit_sat"] = "1", ["fee_limit_msat"] = "1000" });
        Assert.Equal(HttpStatusCode.BadRequest, both.Status);
        var keysend = await Post(host, "alice", "v2/router/send", new JsonObject { ["dest"] = B64(bob.Id.Bytes.ToArray()), ["amt"] = "10" });
        Assert.Equal(HttpStatusCode.BadRequest, keysend.Status);
        Assert.Contains("keysend", keysend.Text);
    }

    [Fact]
    public async Task Amounts_above_21M_btc_and_cltv_beyond_uint16_get_a_400_never_a_500_or_a_truncation()
    {
        await using var host = await FacadeHost.StartAsync();
        var huge = await Post(host, "coordinator", "v1/invoices", new JsonObject { ["value"] = "9300000000000000" });
        Assert.Equal(HttpStatusCode.BadRequest, huge.Status);
        Assert.Contains("21,000,000 BTC", huge.Text);
        var hugeMsat = await Post(host, "coordinator", "v2/invoices/hodl", new JsonObject { ["hash"] = B64(Preimage.Random().Hash.Bytes.ToArray()), ["value_msat"] = "9000000000000000000" });
        Assert.Equal(HttpStatusCode.BadRequest, hugeMsat.Status);

        // 2^32 + 100 became 100 through an int cast.
        foreach (var cltv in new[] { "70000", "4294967396" })
        {
            var truncated = await Post(host, "coordinator", "v2/invoices/hodl", new JsonObject { ["hash"] = B64(Preimage.Random().Hash.Bytes.ToArray()), ["value_msat"] = "1000", ["cltv_expiry"] = cltv });
            Assert.Equal(HttpStatusCode.BadRequest, truncated.Status);
            Assert.Contains("too large", truncated.Text);
        }
        var hash = Preimage.Random().Hash;
        var honoured = await Post(host, "coordinator", "v2/invoices/hodl", new JsonObject { ["hash"] = B64(hash.Bytes.ToArray()), ["value_msat"] = "1000", ["cltv_expiry"] = "300" });
        Assert.Equal(HttpStatusCode.OK, honoured.Status);
        var decoded = await host.Network.Coordinator.DecodeAsync(honoured.Json!["payment_request"]!.GetValue<string>());
        Assert.Equal(300, decoded.MinFinalCltvExpiry);
    }

    [Fact]
    public async Task Description_hash_is_written_into_the_invoice_instead_of_the_memo()
    {
        await using var host = await FacadeHost.StartAsync();
        var descriptionHash = System.Security.Cryptography.SHA256.HashData("terms"u8);
        var added = await Post(host, "coordinator", "v1/invoices", new JsonObject { ["memo"] = "memo", ["value"] = "10", ["description_hash"] = B64(descriptionHash) });
        Assert.Equal(HttpStatusCode.OK, added.Status);
        var decoded = await host.Network.Coordinator.DecodeAsync(added.Json!["payment_request"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(descriptionHash), decoded.DescriptionHash);
        var wrongLength = await Post(host, "coordinator", "v1/invoices", new JsonObject { ["value"] = "10", ["description_hash"] = "AAEC" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongLength.Status);
    }

    private static JsonObject Spell(JsonObject body, bool camelCase)
    {
        if (!camelCase) return body;
        var spelled = new JsonObject();
        foreach (var (key, value) in body.ToList())
        {
            body.Remove(key);
            var parts = key.Split('_');
            spelled[parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]))] = value;
        }
        return spelled;
    }

    private sealed record Answer(HttpStatusCode Status, string Text, JsonObject? Json);

    private static async Task<Answer> Post(FacadeHost host, string node, string route, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"simnet/{node}/{route}");
        request.Headers.Add("Grpc-Metadata-macaroon", host.Network.GetNode(node).MacaroonHex);
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "{}") as JsonObject;
        }
        catch (JsonException)
        {
            // A streamed reply is several lines; the tests that need them read Text.
        }
        return new Answer(response.StatusCode, text, json);
    }
}
