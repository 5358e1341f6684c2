using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using L402Train.Lightning.Bolt11;

namespace L402Train.Lightning.Lnd;

/// <summary>
/// <see cref="ILightningNode"/> over LND's REST API (lnd 0.18+), the production backend; the
/// simnet facade speaks the same API. Follows LND's quirks: the macaroon as hex in
/// <c>Grpc-Metadata-macaroon</c>, bytes as URL-safe padded base64 in paths and queries and standard
/// base64 in bodies, int64 as strings, streaming answers as <c>{"result":…}</c> lines, the payment
/// preimage as hex (checked against the hash). Reads, settle and cancel are retried on transient
/// failures because LND makes them idempotent; invoice creation and payments are never retried.
/// </summary>
public sealed class LndRestClient : ILightningNode, Signing.IMessageSigner, IDisposable
{
    private const string MacaroonHeader = "Grpc-Metadata-macaroon";
    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly string macaroonHex;
    private readonly LndRestOptions options;
    private readonly TimeProvider time;

    /// <summary>Creates a client with its own HttpClient (TLS pinned to <see cref="LndRestOptions.TlsCertificatePath"/>).</summary>
    public LndRestClient(LndRestOptions options, TimeProvider? timeProvider = null)
        : this(options.CreateHttpClient(), options, timeProvider, ownsHttp: true) { }

    /// <summary>Creates a client over a caller-provided HttpClient whose BaseAddress points at the node.</summary>
    public LndRestClient(HttpClient http, LndRestOptions options, TimeProvider? timeProvider = null)
        : this(http, options, timeProvider, ownsHttp: false) { }

    private LndRestClient(HttpClient http, LndRestOptions options, TimeProvider? timeProvider, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.options = options;
        macaroonHex = options.MacaroonHex;
        time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var info = await GetJsonAsync<LndGetInfoResponse>("v1/getinfo", cancellationToken);
        return new NodeInfo(NodeId.FromHex(info.IdentityPubkey), info.Alias, info.Chains.FirstOrDefault()?.Network ?? "", info.BlockHeight);
    }

    /// <inheritdoc />
    public async Task<ChannelBalance> GetBalanceAsync(CancellationToken cancellationToken = default)
    {
        var b = await GetJsonAsync<LndChannelBalanceResponse>("v1/balance/channels", cancellationToken);
        return new ChannelBalance(new MilliSats(b.LocalBalance.Msat), new MilliSats(b.RemoteBalance.Msat),
            new MilliSats(b.UnsettledLocalBalance.Msat), new MilliSats(b.UnsettledRemoteBalance.Msat));
    }

    /// <inheritdoc />
    public async Task<Invoice> CreateInvoiceAsync(CreateInvoiceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The preimage is chosen here so the answer needs no second round trip to learn it.
        var preimage = request.Preimage ?? Preimage.Random();
        var body = new LndAddInvoiceRequest
        {
            Memo = request.Memo ?? "",
            RPreimage = LndJson.EncodeBytes(preimage.Bytes),
            ValueMsat = request.Amount?.Value ?? 0,
            Expiry = (long)request.Expiry.TotalSeconds,
        };
        var added = await SendJsonAsync<LndAddInvoiceResponse>(HttpMethod.Post, "v1/invoices", body, retry: false, cancellationToken);
        return FromPaymentRequest(added.PaymentRequest, request.Amount, isHold: false, preimage);
    }

    /// <inheritdoc />
    public async Task<Invoice> CreateHoldInvoiceAsync(CreateHoldInvoiceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new LndAddHoldInvoiceRequest
        {
            Memo = request.Memo ?? "",
            Hash = LndJson.EncodeBytes(request.Hash.Bytes),
            ValueMsat = request.Amount.Value,
            Expiry = (long)request.Expiry.TotalSeconds,
            CltvExpiry = request.CltvExpiry,
        };
        var added = await SendJsonAsync<LndAddHoldInvoiceResponse>(HttpMethod.Post, "v2/invoices/hodl", body, retry: false, cancellationToken);
        var invoice = FromPaymentRequest(added.PaymentRequest, request.Amount, isHold: true, null);
        return invoice.Hash == request.Hash ? invoice : throw new LightningException("LND returned a hold invoice for a different payment hash.");
    }

    /// <inheritdoc />
    public Task SettleInvoiceAsync(Preimage preimage, CancellationToken cancellationToken = default) =>
        SendJsonAsync<JsonElement>(HttpMethod.Post, "v2/invoices/settle", new LndSettleInvoiceRequest { Preimage = LndJson.EncodeBytes(preimage.Bytes) },
            retry: true, cancellationToken);

    /// <inheritdoc />
    public Task CancelInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default) =>
        SendJsonAsync<JsonElement>(HttpMethod.Post, "v2/invoices/cancel", new LndCancelInvoiceRequest { PaymentHash = LndJson.EncodeBytes(hash.Bytes) },
            retry: true, cancellationToken);

    /// <inheritdoc />
    public async Task<Invoice?> LookupInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default)
    {
        try
        {
            var invoice = await GetJsonAsync<LndInvoice>("v2/invoices/lookup?payment_hash=" + LndJson.EncodeUrlBytes(hash.Bytes), cancellationToken);
            return ToInvoice(invoice);
        }
        catch (InvoiceNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<InvoicePage> ListInvoicesAsync(InvoiceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = FormattableString.Invariant(
            $"v1/invoices?index_offset={query.IndexOffset}&num_max_invoices={query.MaxInvoices}&reversed={(query.Reversed ? "true" : "false")}&pending_only={(query.PendingOnly ? "true" : "false")}");
        var page = await GetJsonAsync<LndListInvoiceResponse>(path, cancellationToken);
        return new InvoicePage([.. page.Invoices.Select(ToInvoice)], page.FirstIndexOffset, page.LastIndexOffset);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Invoice> SubscribeInvoiceAsync(PaymentHash hash, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(HttpMethod.Get, "v2/invoices/subscribe/" + LndJson.EncodeUrlBytes(hash.Bytes));
        await foreach (var invoice in StreamAsync<LndInvoice>(request, cancellationToken))
        {
            var mapped = ToInvoice(invoice);
            yield return mapped;
            if (mapped.State is InvoiceState.Settled or InvoiceState.Canceled) yield break;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Payment> SendPaymentAsync(PaymentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new LndSendPaymentRequest
        {
            PaymentRequest = request.Bolt11,
            AmtMsat = request.Amount?.Value ?? 0,
            FeeLimitMsat = request.MaxFee.Value,
            TimeoutSeconds = (int)Math.Clamp(Math.Ceiling(request.Timeout.TotalSeconds), 1, int.MaxValue),
        };
        using var message = NewRequest(HttpMethod.Post, "v2/router/send");
        message.Content = JsonContent.Create(body, options: LndJson.Options);
        await foreach (var payment in StreamAsync<LndPayment>(message, cancellationToken))
        {
            var mapped = LndMapping.ToPayment(payment);
            yield return mapped;
            if (mapped.Status != PaymentStatus.InFlight) yield break;
        }
    }

    /// <inheritdoc />
    public async Task<Payment> PayAsync(PaymentRequest request, CancellationToken cancellationToken = default)
    {
        Payment? last = null;
        await foreach (var update in SendPaymentAsync(request, cancellationToken)) last = update;
        return last is { Status: not PaymentStatus.InFlight } ? last : throw new LightningException("The payment stream ended before a final state.");
    }

    /// <inheritdoc />
    public async Task<Payment?> LookupPaymentAsync(PaymentHash hash, CancellationToken cancellationToken = default)
    {
        // TrackPaymentV2's first line is the current state; the stream is closed right after it.
        using var request = NewRequest(HttpMethod.Get, "v2/router/track/" + LndJson.EncodeUrlBytes(hash.Bytes) + "?no_inflight_updates=false");
        try
        {
            await foreach (var payment in StreamAsync<LndPayment>(request, cancellationToken)) return LndMapping.ToPayment(payment);
            return null;
        }
        catch (PaymentNotFoundException)
        {
            return null;
        }
        catch (LndApiException e) when (e.GrpcCode == 5)
        {
            return null;
        }
    }

    /// <summary>Streams an outgoing payment's state (TrackPaymentV2): the current state, then changes until final.</summary>
    public async IAsyncEnumerable<Payment> TrackPaymentAsync(PaymentHash hash, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(HttpMethod.Get, "v2/router/track/" + LndJson.EncodeUrlBytes(hash.Bytes) + "?no_inflight_updates=false");
        await foreach (var payment in StreamAsync<LndPayment>(request, cancellationToken))
        {
            var mapped = LndMapping.ToPayment(payment);
            yield return mapped;
            if (mapped.Status != PaymentStatus.InFlight) yield break;
        }
    }

    /// <inheritdoc />
    public async Task<PaymentRequestDetails> DecodeAsync(string paymentRequest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paymentRequest);
        var payReq = await GetJsonAsync<LndPayReq>("v1/payreq/" + Uri.EscapeDataString(paymentRequest), cancellationToken);
        var hrp = paymentRequest.ToLowerInvariant();
        var currency = new string(hrp.Skip(2).TakeWhile(char.IsAsciiLetter).ToArray());
        return LndMapping.ToDetails(payReq, currency);
    }

    private Invoice ToInvoice(LndInvoice lnd)
    {
        // LND's Invoice JSON has no hold flag: an unsettled invoice whose preimage LND does not know is a hold invoice.
        var isHold = lnd.RPreimage.Length == 0 || LndJson.DecodeBytes(lnd.RPreimage).All(b => b == 0);
        if (isHold) lnd.RPreimage = "";
        return LndMapping.ToInvoice(lnd, isHold);
    }

    private static Invoice FromPaymentRequest(string paymentRequest, MilliSats? amount, bool isHold, Preimage? preimage)
    {
        var decoded = Bolt11Invoice.Decode(paymentRequest);
        return new Invoice(decoded.PaymentHash, paymentRequest, amount is { Value: > 0 } ? amount : null, InvoiceState.Open, isHold,
            decoded.Description is { Length: > 0 } d ? d : null, decoded.Timestamp, decoded.ExpiresAt, MilliSats.Zero, preimage, null);
    }

    /// <inheritdoc/>
    public async Task<string> SignMessageAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        var signed = await SendJsonAsync<LndSignMessageResponse>(HttpMethod.Post, "v1/signmessage",
            new LndSignMessageRequest { Message = LndJson.EncodeBytes(message.Span) }, retry: true, cancellationToken);
        return signed.Signature is { Length: > 0 } signature ? signature : throw new LightningException("LND answered signmessage without a signature.");
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation(MacaroonHeader, macaroonHex);
        return request;
    }

    private Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken) =>
        SendJsonAsync<T>(HttpMethod.Get, path, null, retry: true, cancellationToken);

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string path, object? body, bool retry, CancellationToken cancellationToken)
    {
        var delay = options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            using var request = NewRequest(method, path);
            if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: LndJson.Options);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (retry && attempt < options.MaxAttempts)
            {
                await Task.Delay(delay, time, cancellationToken);
                delay *= 2;
                continue;
            }
            using (response)
            {
                if (retry && attempt < options.MaxAttempts && response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
                {
                    await Task.Delay(delay, time, cancellationToken);
                    delay *= 2;
                    continue;
                }
                if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, cancellationToken);
                var result = await response.Content.ReadFromJsonAsync<T>(LndJson.Options, cancellationToken);
                return result ?? throw new LightningException($"LND answered {path} with an empty body.");
            }
        }
    }

    private async IAsyncEnumerable<T> StreamAsync<T>(HttpRequestMessage request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0) continue;
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                throw ErrorFrom(response.StatusCode, error);
            if (!document.RootElement.TryGetProperty("result", out var result))
                throw new LightningException("LND stream line has neither 'result' nor 'error'.");
            yield return result.Deserialize<T>(LndJson.Options) ?? throw new LightningException("LND stream line has an empty result.");
        }
    }

    private static async Task<LightningException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(text.Split('\n')[0]);
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var inner) && inner.ValueKind == JsonValueKind.Object) root = inner;
            return ErrorFrom(response.StatusCode, root);
        }
        catch (JsonException)
        {
            return new LndApiException(response.StatusCode, 0, $"LND answered {(int)response.StatusCode}: {text}");
        }
    }

    private static LightningException ErrorFrom(HttpStatusCode status, JsonElement error)
    {
        var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
        var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
        return LndApiException.From(status, code, message);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsHttp) http.Dispose();
    }
}
