using L402Train.Lightning.Bolt11;
using L402Train.Lightning.Lnd;
using L402Train.Lightning.Simnet;
using Microsoft.AspNetCore.Http;

namespace L402Train.Lightning.Facade;

public static partial class SimnetFacade
{
    private static async Task<Reply?> GetInfo(RequestContext r)
    {
        var info = await r.Node.GetInfoAsync(r.Http.RequestAborted);
        return new Reply(new LndGetInfoResponse
        {
            Version = "0.18.0-simnet",
            IdentityPubkey = info.Id.ToHex(),
            Alias = info.Alias,
            NumActiveChannels = r.Node.ListChannels().Count,
            NumPeers = r.Node.ListChannels().Select(c => c.Peer).Distinct().Count(),
            BlockHeight = info.BlockHeight,
            BlockHash = new string('0', 64),
            BestHeaderTimestamp = r.Node.Network.Time.GetUtcNow().ToUnixTimeSeconds(),
            SyncedToChain = true,
            SyncedToGraph = true,
            Chains = [new LndChain { Network = info.Network }],
        });
    }

    private static async Task<Reply?> GetBalance(RequestContext r)
    {
        var b = await r.Node.GetBalanceAsync(r.Http.RequestAborted);
        return new Reply(new LndChannelBalanceResponse
        {
            Balance = b.Local.Value / 1000,
            LocalBalance = LndAmount.From(b.Local),
            RemoteBalance = LndAmount.From(b.Remote),
            UnsettledLocalBalance = LndAmount.From(b.PendingOutgoing),
            UnsettledRemoteBalance = LndAmount.From(b.PendingIncoming),
        });
    }

    private static async Task<Reply?> AddInvoice(RequestContext r)
    {
        var body = await ReadBody<LndAddInvoiceRequest>(r.Http);
        var preimage = LndJson.DecodeBytes(body.RPreimage);
        var amount = Amount(body.Value, body.ValueMsat);
        var invoice = await r.Node.CreateInvoiceAsync(new CreateInvoiceRequest(amount, body.Memo.Length == 0 ? null : body.Memo,
            TimeSpan.FromSeconds(body.Expiry), preimage.Length == 0 ? null : new Preimage(preimage)), r.Http.RequestAborted);
        var record = r.Node.Network.LookupInvoiceRecord(r.Node.Name, invoice.Hash)!.Value.Record;
        return new Reply(new LndAddInvoiceResponse
        {
            RHash = LndJson.EncodeBytes(invoice.Hash.Bytes),
            PaymentRequest = invoice.PaymentRequest,
            AddIndex = record.AddIndex,
            PaymentAddr = LndJson.EncodeBytes(Convert.FromHexString(record.PaymentAddrHex)),
        });
    }

    private static async Task<Reply?> AddHoldInvoice(RequestContext r)
    {
        var body = await ReadBody<LndAddHoldInvoiceRequest>(r.Http);
        var amount = Amount(body.Value, body.ValueMsat) ?? MilliSats.Zero;
        var request = new CreateHoldInvoiceRequest(new PaymentHash(LndJson.DecodeBytes(body.Hash)), amount,
            body.Memo.Length == 0 ? null : body.Memo, TimeSpan.FromSeconds(body.Expiry), body.CltvExpiry == 0 ? 80 : (int)body.CltvExpiry);
        var invoice = await r.Node.CreateHoldInvoiceAsync(request, r.Http.RequestAborted);
        var record = r.Node.Network.LookupInvoiceRecord(r.Node.Name, invoice.Hash)!.Value.Record;
        return new Reply(new LndAddHoldInvoiceResponse
        {
            PaymentRequest = invoice.PaymentRequest,
            AddIndex = record.AddIndex,
            PaymentAddr = LndJson.EncodeBytes(Convert.FromHexString(record.PaymentAddrHex)),
        });
    }

    private static MilliSats? Amount(long sat, long msat)
    {
        if (sat != 0 && msat != 0) throw new ArgumentException("value and value_msat are mutually exclusive");
        if (sat < 0 || msat < 0) throw new ArgumentException("amounts must not be negative");
        // No amount above the 21 million BTC that can exist: it would overflow the msat conversion, and no node could hold it.
        const long MaxSat = 21_000_000L * 100_000_000;
        if (sat > MaxSat || msat > MaxSat * 1000) throw new ArgumentException("amounts must not exceed 21 million BTC (2100000000000000 sat)");
        return msat > 0 ? new MilliSats(msat) : sat > 0 ? new Sats(sat).ToMilliSats() : null;
    }

    private static async Task<Reply?> SettleInvoice(RequestContext r)
    {
        var body = await ReadBody<LndSettleInvoiceRequest>(r.Http);
        await r.Node.SettleInvoiceAsync(new Preimage(LndJson.DecodeBytes(body.Preimage)), r.Http.RequestAborted);
        return new Reply(new { });
    }

    private static async Task<Reply?> CancelInvoice(RequestContext r)
    {
        var body = await ReadBody<LndCancelInvoiceRequest>(r.Http);
        await r.Node.CancelInvoiceAsync(new PaymentHash(LndJson.DecodeBytes(body.PaymentHash)), r.Http.RequestAborted);
        return new Reply(new { });
    }

    private static Task<Reply?> LookupInvoice(RequestContext r)
    {
        var hash = r.Http.Request.Query["payment_hash"].ToString();
        if (hash.Length == 0) throw new ArgumentException("payment_hash is required");
        return Task.FromResult<Reply?>(new Reply(InvoiceJson(r.Node, new PaymentHash(LndJson.DecodeBytes(hash)))));
    }

    private static Task<Reply?> LookupInvoiceHex(RequestContext r, string hex) =>
        Task.FromResult<Reply?>(new Reply(InvoiceJson(r.Node, PaymentHash.FromHex(hex))));

    private static LndInvoice InvoiceJson(SimnetNode node, PaymentHash hash)
    {
        var found = node.Network.LookupInvoiceRecord(node.Name, hash) ?? throw new InvoiceNotFoundException("unable to locate invoice");
        return InvoiceJson(found.Invoice, found.Record);
    }

    private static LndInvoice InvoiceJson(Invoice invoice, InvoiceRecord record) =>
        LndMapping.FromInvoice(invoice, record.AddIndex, record.SettleIndex, record.CltvExpiry, Convert.FromHexString(record.PaymentAddrHex));

    private static async Task<Reply?> SubscribeInvoice(HttpContext http, RequestContext r, string rHash)
    {
        var hash = new PaymentHash(LndJson.DecodeBytes(rHash));
        await using var updates = r.Node.SubscribeInvoiceAsync(hash, http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);
        var first = true;
        while (await NextOrEnd(updates))
        {
            if (first) StartStream(http);
            first = false;
            var record = r.Node.Network.LookupInvoiceRecord(r.Node.Name, hash)!.Value.Record;
            await WriteLine(http, new { result = InvoiceJson(updates.Current, record) });
        }
        return null;
    }

    private static async Task<Reply?> SendPayment(HttpContext http, RequestContext r)
    {
        var body = await ReadBody<LndSendPaymentRequest>(http);
        var request = new PaymentRequest(body.PaymentRequest, new MilliSats(body.FeeLimitMsat),
            TimeSpan.FromSeconds(body.TimeoutSeconds <= 0 ? 60 : body.TimeoutSeconds), body.AmtMsat > 0 ? new MilliSats(body.AmtMsat) : null);
        await using var updates = r.Node.SendPaymentAsync(request, http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);
        await WritePayments(http, r.Node, updates, body.NoInflightUpdates);
        return null;
    }

    private static async Task<Reply?> TrackPayment(HttpContext http, RequestContext r, string paymentHash)
    {
        var hash = new PaymentHash(LndJson.DecodeBytes(paymentHash));
        var noInflight = string.Equals(http.Request.Query["no_inflight_updates"], "true", StringComparison.OrdinalIgnoreCase);
        await using var updates = r.Node.TrackPaymentAsync(hash, http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);
        await WritePayments(http, r.Node, updates, noInflight);
        return null;
    }

    private static async Task WritePayments(HttpContext http, SimnetNode node, IAsyncEnumerator<Payment> updates, bool noInflightUpdates)
    {
        var started = false;
        while (await NextOrEnd(updates))
        {
            var payment = updates.Current;
            if (noInflightUpdates && payment.Status == PaymentStatus.InFlight) continue;
            if (!started) StartStream(http);
            started = true;
            var (_, paymentRequest, index) = node.Network.LookupPaymentRecord(node.Name, payment.Hash)!.Value;
            await WriteLine(http, new { result = LndMapping.FromPayment(payment, paymentRequest, index) });
        }
    }

    /// <summary>Advances a stream; a client that hung up simply ends it.</summary>
    private static async Task<bool> NextOrEnd<T>(IAsyncEnumerator<T> updates)
    {
        try
        {
            return await updates.MoveNextAsync();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static void StartStream(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
    }

    private static Task<Reply?> DecodePayReq(RequestContext r, string payReq)
    {
        var invoice = Bolt11Invoice.Decode(payReq, r.Node.Network.Engine);
        return Task.FromResult<Reply?>(new Reply(LndMapping.FromBolt11(invoice)));
    }

    private sealed class CreateNodeBody
    {
        [System.Text.Json.Serialization.JsonPropertyName("name")] public string Name { get; set; } = "";
        [System.Text.Json.Serialization.JsonPropertyName("balance_sat")]
        [System.Text.Json.Serialization.JsonNumberHandling(System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString)]
        public long BalanceSat { get; set; }
    }

    private static async Task CreateNodeAsync(HttpContext context, SimnetNetwork network)
    {
        CreateNodeBody body;
        try
        {
            body = await ReadBody<CreateNodeBody>(context);
            if (body.BalanceSat is < 0 or > 21_000_000L * 100_000_000L) throw new ArgumentException("balance_sat must be between 0 and 21e14");
            if (network.FindNode(body.Name) is not null)
            {
                await WriteError(context, StatusCodes.Status409Conflict, 6, $"a simnet node named '{body.Name}' already exists");
                return;
            }
            var node = network.CreateFundedNode(body.Name, new Sats(body.BalanceSat));
            await context.Response.WriteAsJsonAsync(new SimnetNodeCreated(node.Name, node.Id.ToHex(), node.MacaroonHex), LndJson.Options);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            await WriteError(context, StatusCodes.Status400BadRequest, 3, e.Message);
        }
    }
}

/// <summary>The answer of <c>POST /simnet/nodes</c>.</summary>
/// <param name="Name">The node's name (its path segment under /simnet).</param>
/// <param name="IdentityPubkey">The node's public key, hex.</param>
/// <param name="Macaroon">The node's macaroon, hex, for <c>Grpc-Metadata-macaroon</c>.</param>
public sealed record SimnetNodeCreated(
    [property: System.Text.Json.Serialization.JsonPropertyName("name")] string Name,
    [property: System.Text.Json.Serialization.JsonPropertyName("identity_pubkey")] string IdentityPubkey,
    [property: System.Text.Json.Serialization.JsonPropertyName("macaroon")] string Macaroon);
