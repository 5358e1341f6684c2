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

    // lnrpc.Invoice: memo, r_preimage, value/value_msat, expiry, cltv_expiry and description_hash are
    // honoured; fallback_addr, route_hints and private are accepted and ignored (simnet has no chain
    // and one public route); the fields LND fills in itself (r_hash, state, add_index, ...) are ignored
    // as AddInvoice ignores them; AMP and blinded invoices are refused, simnet has neither.
    private static async Task<Reply?> AddInvoice(RequestContext r)
    {
        var body = await LndRequestBody.ReadAsync(r.Http, LndRequestMessage.Invoice);
        var preimage = body.Bytes("r_preimage");
        if (preimage.Length is not (0 or 32)) throw new ArgumentException($"r_preimage is {preimage.Length} bytes long, must be 32");
        if (body.IsSet("blinded_path_config") && !body.Bool("is_blinded")) throw new ArgumentException("blinded path config provided but IsBlinded not set");
        if (body.Bool("is_amp")) throw new ArgumentException("is_amp: simnet has no AMP invoices");
        if (body.Bool("is_blinded")) throw new ArgumentException("is_blinded: simnet has no blinded paths");
        var amount = Amount(body, "value", "value_msat");
        var memo = Memo(body);
        var request = new CreateInvoiceRequest(amount, memo.Length == 0 ? null : memo, Expiry(body), preimage.Length == 0 ? null : new Preimage(preimage));
        var invoice = r.Node.Network.CreateInvoice(r.Node.Name, request, Cltv(body, SimnetNetwork.DefaultInvoiceCltv), DescriptionHash(body));
        var record = r.Node.Network.LookupInvoiceRecord(r.Node.Name, invoice.Hash)!.Value.Record;
        return new Reply(new LndAddInvoiceResponse
        {
            RHash = LndJson.EncodeBytes(invoice.Hash.Bytes),
            PaymentRequest = invoice.PaymentRequest,
            AddIndex = record.AddIndex,
            PaymentAddr = LndJson.EncodeBytes(Convert.FromHexString(record.PaymentAddrHex)),
        });
    }

    // invoicesrpc.AddHoldInvoiceRequest: all honoured but fallback_addr, route_hints and private (ignored, as above).
    private static async Task<Reply?> AddHoldInvoice(RequestContext r)
    {
        var body = await LndRequestBody.ReadAsync(r.Http, LndRequestMessage.AddHoldInvoiceRequest);
        var hash = body.Bytes("hash");
        if (hash.Length != 32) throw new ArgumentException($"invalid hash length of {hash.Length}, want 32");
        var amount = Amount(body, "value", "value_msat") ?? MilliSats.Zero;
        var memo = Memo(body);
        var request = new CreateHoldInvoiceRequest(new PaymentHash(hash), amount, memo.Length == 0 ? null : memo, Expiry(body),
            Cltv(body, SimnetNetwork.DefaultInvoiceCltv));
        var invoice = r.Node.Network.CreateHoldInvoice(r.Node.Name, request, DescriptionHash(body));
        var record = r.Node.Network.LookupInvoiceRecord(r.Node.Name, invoice.Hash)!.Value.Record;
        return new Reply(new LndAddHoldInvoiceResponse
        {
            PaymentRequest = invoice.PaymentRequest,
            AddIndex = record.AddIndex,
            PaymentAddr = LndJson.EncodeBytes(Convert.FromHexString(record.PaymentAddrHex)),
        });
    }

    /// <summary>LND's UnmarshallAmt: sat and msat are mutually exclusive and never negative; and no amount above 21M BTC.</summary>
    private static MilliSats? Amount(LndRequestBody body, string satField, string msatField)
    {
        long sat = body.Int64(satField), msat = body.Int64(msatField);
        if (sat != 0 && msat != 0) throw new ArgumentException($"{satField} and {msatField} are mutually exclusive");
        if (sat < 0 || msat < 0) throw new ArgumentException($"{(sat < 0 ? satField : msatField)} must not be negative");
        if (!BitcoinSupply.IsValidSats(sat)) throw new ArgumentException($"{satField} {sat} is above 21,000,000 BTC ({BitcoinSupply.MaxSats.Value} sat)");
        if (!BitcoinSupply.IsValidMilliSats(msat)) throw new ArgumentException($"{msatField} {msat} is above 21,000,000 BTC ({BitcoinSupply.MaxMilliSats.Value} msat)");
        return msat > 0 ? new MilliSats(msat) : sat > 0 ? new Sats(sat).ToMilliSats() : null;
    }

    private static string Memo(LndRequestBody body)
    {
        var memo = body.String("memo");
        // LND's invoices.MaxMemoSize.
        if (System.Text.Encoding.UTF8.GetByteCount(memo) > 1024) throw new ArgumentException("memo too large (maxsize=1024 bytes)");
        return memo;
    }

    private static TimeSpan Expiry(LndRequestBody body)
    {
        var seconds = body.Int64("expiry");
        // Beyond a year is no invoice anyone pays; it also keeps TimeSpan and the BOLT11 x field in range.
        if (seconds is < 0 or > 365L * 24 * 3600) throw new ArgumentException($"expiry {seconds} is out of range: 0 (the default, 24 h) to one year in seconds");
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>cltv_expiry as LND's AddInvoice reads it: 0 is the default, otherwise 24 (routing.MinCLTVDelta) to 65535; never truncated.</summary>
    private static int Cltv(LndRequestBody body, int defaultCltv)
    {
        var cltv = body.UInt64("cltv_expiry");
        if (cltv == 0) return defaultCltv;
        if (cltv > SimnetNetwork.MaxInvoiceCltv) throw new ArgumentException($"CLTV delta of {cltv} is too large, max accepted is: {SimnetNetwork.MaxInvoiceCltv}");
        if (cltv < 24) throw new ArgumentException($"CLTV delta of {cltv} must be greater than minimum of 24");
        return (int)cltv;
    }

    private static byte[]? DescriptionHash(LndRequestBody body)
    {
        var hash = body.Bytes("description_hash");
        if (hash.Length is not (0 or 32)) throw new ArgumentException($"description hash is {hash.Length} bytes long, must be 32");
        return hash.Length == 0 ? null : hash;
    }

    private static async Task<Reply?> SettleInvoice(RequestContext r)
    {
        var body = await LndRequestBody.ReadAsync(r.Http, LndRequestMessage.SettleInvoiceMsg);
        var preimage = body.Bytes("preimage");
        if (preimage.Length != 32) throw new ArgumentException($"invalid preimage length of {preimage.Length}, want 32");
        await r.Node.SettleInvoiceAsync(new Preimage(preimage), r.Http.RequestAborted);
        return new Reply(new { });
    }

    private static async Task<Reply?> CancelInvoice(RequestContext r)
    {
        var body = await LndRequestBody.ReadAsync(r.Http, LndRequestMessage.CancelInvoiceMsg);
        var hash = body.Bytes("payment_hash");
        if (hash.Length != 32) throw new ArgumentException($"invalid hash length of {hash.Length}, want 32");
        await r.Node.CancelInvoiceAsync(new PaymentHash(hash), r.Http.RequestAborted);
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

    // routerrpc.SendPaymentRequest, checked as LND's router backend checks it. Honoured: payment_request,
    // amt/amt_msat, fee_limit_sat/fee_limit_msat, timeout_seconds, no_inflight_updates. Checked, then
    // ignored because simnet has one route through the hub and single-part payments: time_pref,
    // max_parts/max_shard_size_msat, cltv_limit, outgoing_chan_ids, last_hop_pubkey, route_hints,
    // allow_self_payment, cancelable, payment_addr and the custom records. Refused, as simnet cannot
    // do them: payments without a payment request (keysend, spontaneous) and AMP.
    private static async Task<Reply?> SendPayment(HttpContext http, RequestContext r)
    {
        var body = await LndRequestBody.ReadAsync(http, LndRequestMessage.SendPaymentRequest);
        var timePref = body.Double("time_pref");
        if (!(timePref >= -1 && timePref <= 1)) throw new ArgumentException("time preference out of range");
        if (body.UInt64("max_shard_size_msat") > 0 && body.UInt32("max_parts") > 1000)
            throw new ArgumentException($"requested max_parts ({body.UInt32("max_parts")}) exceeds the allowed upper limit of 1000");
        if (body.Int32("cltv_limit") < 0) throw new ArgumentException("cltv_limit must not be negative");
        var feeLimit = Amount(body, "fee_limit_sat", "fee_limit_msat") ?? MilliSats.Zero;
        var amount = Amount(body, "amt", "amt_msat");
        if (body.String("payment_request").Length == 0)
            throw new ArgumentException(body.IsSet("dest")
                ? "dest without payment_request (keysend): simnet pays BOLT11 payment requests only"
                : "payment_request is required: simnet pays BOLT11 payment requests only");
        if (body.IsSet("dest")) throw new ArgumentException("dest and payment_request cannot appear together");
        if (body.IsSet("payment_hash")) throw new ArgumentException("payment_hash and payment_request cannot appear together");
        if (body.IsSet("final_cltv_delta")) throw new ArgumentException("final_cltv_delta and payment_request cannot appear together");
        if (body.Bool("amp")) throw new ArgumentException("amp: simnet has no AMP payments");
        var timeout = body.Int32("timeout_seconds");
        var request = new PaymentRequest(body.String("payment_request"), feeLimit, TimeSpan.FromSeconds(timeout <= 0 ? 60 : timeout), amount);
        await using var updates = r.Node.SendPaymentAsync(request, http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);
        await WritePayments(http, r.Node, updates, body.Bool("no_inflight_updates"));
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

    private static async Task CreateNodeAsync(HttpContext context, SimnetNetwork network, SimnetFaucetOptions faucet)
    {
        // A development tool that mints money: only for a caller on this machine, whatever address the silo listens on.
        if (context.Connection.RemoteIpAddress is not { } remote || !System.Net.IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
        {
            await WriteError(context, StatusCodes.Status403Forbidden, 7, "the simnet faucet (POST /simnet/nodes) answers loopback callers only");
            return;
        }
        CreateNodeBody body;
        try
        {
            body = await ReadBody<CreateNodeBody>(context);
            if (body.BalanceSat < 0) throw new ArgumentException("balance_sat must not be negative");
            if (body.BalanceSat > faucet.MaxPerNode.Value)
                throw new ArgumentException($"balance_sat {body.BalanceSat} is above the faucet's cap of {faucet.MaxPerNode.Value} sat per node");
            if (network.FindNode(body.Name) is not null)
            {
                await WriteError(context, StatusCodes.Status409Conflict, 6, $"a simnet node named '{body.Name}' already exists");
                return;
            }
            var grant = network.FundFromFaucet(body.Name, new Sats(body.BalanceSat));
            if (faucet.OnGranted is { } record) await record(grant, context.RequestAborted);
            var node = network.GetNode(grant.Node);
            await context.Response.WriteAsJsonAsync(new SimnetNodeCreated(node.Name, node.Id.ToHex(), node.MacaroonHex), LndJson.Options);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException or LightningException)
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
