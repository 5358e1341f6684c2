using System.Text.Json.Serialization;

namespace L402Train.Lightning.Lnd;

/// <summary>lnrpc.Invoice: the body of POST /v1/invoices and every invoice response.</summary>
public sealed class LndInvoice
{
    /// <summary>Description.</summary>
    [JsonPropertyName("memo")] public string Memo { get; set; } = "";
    /// <summary>Preimage, base64 (empty for an unsettled hold invoice).</summary>
    [JsonPropertyName("r_preimage")] public string RPreimage { get; set; } = "";
    /// <summary>Payment hash, base64.</summary>
    [JsonPropertyName("r_hash")] public string RHash { get; set; } = "";
    /// <summary>Amount in sat (int64 string).</summary>
    [JsonPropertyName("value")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Value { get; set; }
    /// <summary>Amount in msat (int64 string).</summary>
    [JsonPropertyName("value_msat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long ValueMsat { get; set; }
    /// <summary>Deprecated: state == SETTLED.</summary>
    [JsonPropertyName("settled")] public bool Settled { get; set; }
    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("creation_date")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long CreationDate { get; set; }
    /// <summary>Unix seconds, 0 until settled.</summary>
    [JsonPropertyName("settle_date")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long SettleDate { get; set; }
    /// <summary>BOLT11.</summary>
    [JsonPropertyName("payment_request")] public string PaymentRequest { get; set; } = "";
    /// <summary>Description hash, base64.</summary>
    [JsonPropertyName("description_hash")] public string DescriptionHash { get; set; } = "";
    /// <summary>Seconds.</summary>
    [JsonPropertyName("expiry")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Expiry { get; set; }
    /// <summary>On-chain fallback.</summary>
    [JsonPropertyName("fallback_addr")] public string FallbackAddr { get; set; } = "";
    /// <summary>Final CLTV delta (uint64 string).</summary>
    [JsonPropertyName("cltv_expiry")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long CltvExpiry { get; set; }
    /// <summary>Private route hints flag.</summary>
    [JsonPropertyName("private")] public bool Private { get; set; }
    /// <summary>Add index (uint64 string).</summary>
    [JsonPropertyName("add_index")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long AddIndex { get; set; }
    /// <summary>Settle index (uint64 string).</summary>
    [JsonPropertyName("settle_index")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long SettleIndex { get; set; }
    /// <summary>Deprecated amount paid in sat.</summary>
    [JsonPropertyName("amt_paid")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long AmtPaid { get; set; }
    /// <summary>Amount paid in sat.</summary>
    [JsonPropertyName("amt_paid_sat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long AmtPaidSat { get; set; }
    /// <summary>Amount paid in msat.</summary>
    [JsonPropertyName("amt_paid_msat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long AmtPaidMsat { get; set; }
    /// <summary>OPEN, SETTLED, CANCELED, ACCEPTED.</summary>
    [JsonPropertyName("state")] public string State { get; set; } = "OPEN";
    /// <summary>Payment address (the BOLT11 s field), base64.</summary>
    [JsonPropertyName("payment_addr")] public string PaymentAddr { get; set; } = "";
    /// <summary>Keysend flag.</summary>
    [JsonPropertyName("is_keysend")] public bool IsKeysend { get; set; }
    /// <summary>AMP flag.</summary>
    [JsonPropertyName("is_amp")] public bool IsAmp { get; set; }
}

/// <summary>GET /v1/invoices response (ListInvoices): a page by add index.</summary>
public sealed class LndListInvoiceResponse
{
    /// <summary>The invoices, oldest first.</summary>
    [JsonPropertyName("invoices")] public List<LndInvoice> Invoices { get; set; } = [];
    /// <summary>Add index of the last invoice (uint64 string); the offset of the next page.</summary>
    [JsonPropertyName("last_index_offset")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long LastIndexOffset { get; set; }
    /// <summary>Add index of the first invoice (uint64 string).</summary>
    [JsonPropertyName("first_index_offset")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long FirstIndexOffset { get; set; }
}

/// <summary>The request body of POST /v1/invoices (only the fields this client sends).</summary>
public sealed class LndAddInvoiceRequest
{
    /// <summary>Description.</summary>
    [JsonPropertyName("memo")] public string Memo { get; set; } = "";
    /// <summary>Preimage, base64.</summary>
    [JsonPropertyName("r_preimage")] public string RPreimage { get; set; } = "";
    /// <summary>Amount in msat.</summary>
    [JsonPropertyName("value_msat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long ValueMsat { get; set; }
    /// <summary>Amount in sat (alternative to value_msat).</summary>
    [JsonPropertyName("value")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Value { get; set; }
    /// <summary>Seconds; 0 means LND's default (86400).</summary>
    [JsonPropertyName("expiry")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Expiry { get; set; }
}

/// <summary>POST /v1/invoices response.</summary>
public sealed class LndAddInvoiceResponse
{
    /// <summary>Payment hash, base64.</summary>
    [JsonPropertyName("r_hash")] public string RHash { get; set; } = "";
    /// <summary>BOLT11.</summary>
    [JsonPropertyName("payment_request")] public string PaymentRequest { get; set; } = "";
    /// <summary>Add index.</summary>
    [JsonPropertyName("add_index")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long AddIndex { get; set; }
    /// <summary>Payment address, base64.</summary>
    [JsonPropertyName("payment_addr")] public string PaymentAddr { get; set; } = "";
}

/// <summary>POST /v2/invoices/hodl request (fields this client sends).</summary>
public sealed class LndAddHoldInvoiceRequest
{
    /// <summary>Description.</summary>
    [JsonPropertyName("memo")] public string Memo { get; set; } = "";
    /// <summary>Payment hash, base64.</summary>
    [JsonPropertyName("hash")] public string Hash { get; set; } = "";
    /// <summary>Amount in sat (alternative to value_msat).</summary>
    [JsonPropertyName("value")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Value { get; set; }
    /// <summary>Amount in msat.</summary>
    [JsonPropertyName("value_msat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long ValueMsat { get; set; }
    /// <summary>Seconds.</summary>
    [JsonPropertyName("expiry")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Expiry { get; set; }
    /// <summary>Final CLTV delta.</summary>
    [JsonPropertyName("cltv_expiry")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long CltvExpiry { get; set; }
}

/// <summary>POST /v2/invoices/hodl response.</summary>
public sealed class LndAddHoldInvoiceResponse
{
    /// <summary>BOLT11.</summary>
    [JsonPropertyName("payment_request")] public string PaymentRequest { get; set; } = "";
    /// <summary>Add index.</summary>
    [JsonPropertyName("add_index")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long AddIndex { get; set; }
    /// <summary>Payment address, base64.</summary>
    [JsonPropertyName("payment_addr")] public string PaymentAddr { get; set; } = "";
}

/// <summary>POST /v2/invoices/settle body.</summary>
public sealed class LndSettleInvoiceRequest
{
    /// <summary>Preimage, base64.</summary>
    [JsonPropertyName("preimage")] public string Preimage { get; set; } = "";
}

/// <summary>POST /v2/invoices/cancel body.</summary>
public sealed class LndCancelInvoiceRequest
{
    /// <summary>Payment hash, base64.</summary>
    [JsonPropertyName("payment_hash")] public string PaymentHash { get; set; } = "";
}
