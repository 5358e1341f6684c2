using L402Train.Lightning.Bolt11;

namespace L402Train.Lightning.Lnd;

/// <summary>Translates between LND's JSON messages and this project's types (both directions: client and facade).</summary>
public static class LndMapping
{
    /// <summary>LND's invoice state name.</summary>
    public static string ToLnd(InvoiceState state) => state switch
    {
        InvoiceState.Open => "OPEN",
        InvoiceState.Accepted => "ACCEPTED",
        InvoiceState.Settled => "SETTLED",
        InvoiceState.Canceled => "CANCELED",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>Parses LND's invoice state name.</summary>
    public static InvoiceState ParseInvoiceState(string state) => state switch
    {
        "OPEN" => InvoiceState.Open,
        "ACCEPTED" => InvoiceState.Accepted,
        "SETTLED" => InvoiceState.Settled,
        "CANCELED" => InvoiceState.Canceled,
        _ => throw new LightningException($"Unknown invoice state '{state}' from LND."),
    };

    /// <summary>LND's payment status name.</summary>
    public static string ToLnd(PaymentStatus status) => status switch
    {
        PaymentStatus.InFlight => "IN_FLIGHT",
        PaymentStatus.Succeeded => "SUCCEEDED",
        PaymentStatus.Failed => "FAILED",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Parses LND's payment status (INITIATED counts as in flight).</summary>
    public static PaymentStatus ParsePaymentStatus(string status) => status switch
    {
        "IN_FLIGHT" or "INITIATED" => PaymentStatus.InFlight,
        "SUCCEEDED" => PaymentStatus.Succeeded,
        "FAILED" => PaymentStatus.Failed,
        _ => throw new LightningException($"Unknown payment status '{status}' from LND."),
    };

    /// <summary>LND's failure reason name.</summary>
    public static string ToLnd(PaymentFailureReason reason) => "FAILURE_REASON_" + reason switch
    {
        PaymentFailureReason.None => "NONE",
        PaymentFailureReason.Timeout => "TIMEOUT",
        PaymentFailureReason.NoRoute => "NO_ROUTE",
        PaymentFailureReason.Error => "ERROR",
        PaymentFailureReason.IncorrectPaymentDetails => "INCORRECT_PAYMENT_DETAILS",
        PaymentFailureReason.InsufficientBalance => "INSUFFICIENT_BALANCE",
        PaymentFailureReason.Canceled => "CANCELED",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    /// <summary>Parses LND's failure reason name.</summary>
    public static PaymentFailureReason ParseFailureReason(string reason) => reason switch
    {
        "FAILURE_REASON_NONE" or "" => PaymentFailureReason.None,
        "FAILURE_REASON_TIMEOUT" => PaymentFailureReason.Timeout,
        "FAILURE_REASON_NO_ROUTE" => PaymentFailureReason.NoRoute,
        "FAILURE_REASON_ERROR" => PaymentFailureReason.Error,
        "FAILURE_REASON_INCORRECT_PAYMENT_DETAILS" => PaymentFailureReason.IncorrectPaymentDetails,
        "FAILURE_REASON_INSUFFICIENT_BALANCE" => PaymentFailureReason.InsufficientBalance,
        "FAILURE_REASON_CANCELED" => PaymentFailureReason.Canceled,
        _ => PaymentFailureReason.Error,
    };

    /// <summary>Reads an lnrpc.Invoice. Hold-ness is not in LND's JSON, so the caller says what it knows.</summary>
    public static Invoice ToInvoice(LndInvoice lnd, bool isHold)
    {
        ArgumentNullException.ThrowIfNull(lnd);
        var hash = new PaymentHash(LndJson.DecodeBytes(lnd.RHash));
        var preimageBytes = LndJson.DecodeBytes(lnd.RPreimage);
        Preimage? preimage = preimageBytes.Length == 32 ? new Preimage(preimageBytes) : null;
        if (preimage is { } p && !hash.Matches(p)) throw new LightningException("LND returned a preimage that does not match the invoice hash.");
        var created = DateTimeOffset.FromUnixTimeSeconds(lnd.CreationDate);
        return new Invoice(
            hash,
            lnd.PaymentRequest,
            lnd.ValueMsat > 0 ? new MilliSats(lnd.ValueMsat) : lnd.Value > 0 ? new Sats(lnd.Value).ToMilliSats() : null,
            ParseInvoiceState(lnd.State),
            isHold,
            lnd.Memo.Length == 0 ? null : lnd.Memo,
            created,
            created + TimeSpan.FromSeconds(lnd.Expiry),
            new MilliSats(lnd.AmtPaidMsat),
            preimage,
            lnd.SettleDate > 0 ? DateTimeOffset.FromUnixTimeSeconds(lnd.SettleDate) : null)
        {
            AddIndex = lnd.AddIndex,
            SettleIndex = lnd.SettleIndex,
        };
    }

    /// <summary>Writes an lnrpc.Invoice with every field present, as LND does.</summary>
    public static LndInvoice FromInvoice(Invoice invoice, long addIndex, long settleIndex, long cltvExpiry, ReadOnlySpan<byte> paymentAddr)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var amount = invoice.Amount?.Value ?? 0;
        return new LndInvoice
        {
            Memo = invoice.Memo ?? "",
            RPreimage = invoice.Preimage is { } p ? LndJson.EncodeBytes(p.Bytes) : "",
            RHash = LndJson.EncodeBytes(invoice.Hash.Bytes),
            Value = amount / 1000,
            ValueMsat = amount,
            Settled = invoice.State == InvoiceState.Settled,
            CreationDate = invoice.CreatedAt.ToUnixTimeSeconds(),
            SettleDate = invoice.SettledAt?.ToUnixTimeSeconds() ?? 0,
            PaymentRequest = invoice.PaymentRequest,
            Expiry = (long)(invoice.ExpiresAt - invoice.CreatedAt).TotalSeconds,
            CltvExpiry = cltvExpiry,
            AddIndex = addIndex,
            SettleIndex = settleIndex,
            AmtPaid = invoice.AmountPaid.Value / 1000,
            AmtPaidSat = invoice.AmountPaid.Value / 1000,
            AmtPaidMsat = invoice.AmountPaid.Value,
            State = ToLnd(invoice.State),
            PaymentAddr = LndJson.EncodeBytes(paymentAddr),
        };
    }

    /// <summary>Reads an lnrpc.Payment; the preimage is hex and must hash to the payment hash.</summary>
    public static Payment ToPayment(LndPayment lnd)
    {
        ArgumentNullException.ThrowIfNull(lnd);
        var hash = PaymentHash.FromHex(lnd.PaymentHash);
        var status = ParsePaymentStatus(lnd.Status);
        Preimage? preimage = null;
        if (status == PaymentStatus.Succeeded)
        {
            // LND sends payment_preimage as hex; reading it as base64 would also "succeed" with wrong bytes.
            preimage = Preimage.FromHex(lnd.PaymentPreimage);
            if (!hash.Matches(preimage.Value)) throw new LightningException("LND reported a preimage that does not hash to the payment hash.");
        }
        return new Payment(hash, status, new MilliSats(lnd.ValueMsat), new MilliSats(lnd.FeeMsat), preimage,
            ParseFailureReason(lnd.FailureReason), DateTimeOffset.FromUnixTimeMilliseconds(lnd.CreationTimeNs / 1_000_000));
    }

    /// <summary>Writes an lnrpc.Payment.</summary>
    public static LndPayment FromPayment(Payment payment, string paymentRequest, long paymentIndex)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return new LndPayment
        {
            PaymentHash = payment.Hash.ToHex(),
            Value = payment.Amount.Value / 1000,
            CreationDate = payment.CreatedAt.ToUnixTimeSeconds(),
            Fee = payment.Fee.Value / 1000,
            PaymentPreimage = payment.Preimage?.ToHex() ?? new string('0', 64),
            ValueSat = payment.Amount.Value / 1000,
            ValueMsat = payment.Amount.Value,
            PaymentRequest = paymentRequest,
            Status = ToLnd(payment.Status),
            FeeSat = payment.Fee.Value / 1000,
            FeeMsat = payment.Fee.Value,
            CreationTimeNs = payment.CreatedAt.ToUnixTimeMilliseconds() * 1_000_000,
            PaymentIndex = paymentIndex,
            FailureReason = ToLnd(payment.FailureReason),
        };
    }

    /// <summary>Reads an lnrpc.PayReq; <paramref name="network"/> comes from the request's prefix (PayReq does not carry it).</summary>
    public static PaymentRequestDetails ToDetails(LndPayReq lnd, string network)
    {
        ArgumentNullException.ThrowIfNull(lnd);
        return new PaymentRequestDetails(
            NodeId.FromHex(lnd.Destination),
            PaymentHash.FromHex(lnd.PaymentHash),
            lnd.NumMsat > 0 ? new MilliSats(lnd.NumMsat) : lnd.NumSatoshis > 0 ? new Sats(lnd.NumSatoshis).ToMilliSats() : null,
            lnd.Description.Length == 0 && lnd.DescriptionHash.Length > 0 ? null : lnd.Description,
            lnd.DescriptionHash.Length == 0 ? null : lnd.DescriptionHash,
            DateTimeOffset.FromUnixTimeSeconds(lnd.Timestamp),
            TimeSpan.FromSeconds(lnd.Expiry),
            (int)lnd.CltvExpiry,
            network);
    }

    /// <summary>Writes an lnrpc.PayReq from a decoded invoice.</summary>
    public static LndPayReq FromBolt11(Bolt11Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return new LndPayReq
        {
            Destination = invoice.Payee.ToHex(),
            PaymentHash = invoice.PaymentHash.ToHex(),
            NumSatoshis = (invoice.Amount?.Value ?? 0) / 1000,
            Timestamp = invoice.Timestamp.ToUnixTimeSeconds(),
            Expiry = (long)invoice.Expiry.TotalSeconds,
            Description = invoice.Description ?? "",
            DescriptionHash = invoice.DescriptionHashHex ?? "",
            CltvExpiry = invoice.MinFinalCltvExpiry,
            PaymentAddr = LndJson.EncodeBytes(invoice.PaymentSecret.Span),
            NumMsat = invoice.Amount?.Value ?? 0,
        };
    }
}
