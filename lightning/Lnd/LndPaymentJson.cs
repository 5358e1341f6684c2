using System.Text.Json.Serialization;

namespace L402Train.Lightning.Lnd;

/// <summary>POST /v2/router/send body (routerrpc.SendPaymentRequest, fields this client sends).</summary>
public sealed class LndSendPaymentRequest
{
    /// <summary>BOLT11.</summary>
    [JsonPropertyName("payment_request")] public string PaymentRequest { get; set; } = "";
    /// <summary>Amount for an amountless invoice, msat.</summary>
    [JsonPropertyName("amt_msat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long AmtMsat { get; set; }
    /// <summary>Most fee, msat (0 = only zero-fee routes).</summary>
    [JsonPropertyName("fee_limit_msat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long FeeLimitMsat { get; set; }
    /// <summary>Seconds before giving up the first attempt (int32).</summary>
    [JsonPropertyName("timeout_seconds")] public int TimeoutSeconds { get; set; }
    /// <summary>Only the final update.</summary>
    [JsonPropertyName("no_inflight_updates")] public bool NoInflightUpdates { get; set; }
}

/// <summary>lnrpc.Payment: the lines of SendPaymentV2 and TrackPaymentV2.</summary>
public sealed class LndPayment
{
    /// <summary>Payment hash, <b>hex</b>.</summary>
    [JsonPropertyName("payment_hash")] public string PaymentHash { get; set; } = "";
    /// <summary>Deprecated sat amount.</summary>
    [JsonPropertyName("value")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Value { get; set; }
    /// <summary>Deprecated unix seconds.</summary>
    [JsonPropertyName("creation_date")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long CreationDate { get; set; }
    /// <summary>Deprecated sat fee.</summary>
    [JsonPropertyName("fee")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Fee { get; set; }
    /// <summary>Preimage, <b>hex</b> (all zeros until SUCCEEDED).</summary>
    [JsonPropertyName("payment_preimage")] public string PaymentPreimage { get; set; } = "";
    /// <summary>Amount, sat.</summary>
    [JsonPropertyName("value_sat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long ValueSat { get; set; }
    /// <summary>Amount, msat.</summary>
    [JsonPropertyName("value_msat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long ValueMsat { get; set; }
    /// <summary>BOLT11.</summary>
    [JsonPropertyName("payment_request")] public string PaymentRequest { get; set; } = "";
    /// <summary>IN_FLIGHT, SUCCEEDED, FAILED, INITIATED.</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = "IN_FLIGHT";
    /// <summary>Fee, sat.</summary>
    [JsonPropertyName("fee_sat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long FeeSat { get; set; }
    /// <summary>Fee, msat.</summary>
    [JsonPropertyName("fee_msat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long FeeMsat { get; set; }
    /// <summary>Creation time, unix nanoseconds.</summary>
    [JsonPropertyName("creation_time_ns")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long CreationTimeNs { get; set; }
    /// <summary>Payment index.</summary>
    [JsonPropertyName("payment_index")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long PaymentIndex { get; set; }
    /// <summary>FAILURE_REASON_NONE, _TIMEOUT, _NO_ROUTE, _ERROR, _INCORRECT_PAYMENT_DETAILS, _INSUFFICIENT_BALANCE, _CANCELED.</summary>
    [JsonPropertyName("failure_reason")] public string FailureReason { get; set; } = "FAILURE_REASON_NONE";
    /// <summary>HTLC attempts (not modelled; always present).</summary>
    [JsonPropertyName("htlcs")] public List<System.Text.Json.JsonElement> Htlcs { get; set; } = [];
}

/// <summary>GET /v1/payreq/{pay_req} (lnrpc.PayReq).</summary>
public sealed class LndPayReq
{
    /// <summary>Payee, hex.</summary>
    [JsonPropertyName("destination")] public string Destination { get; set; } = "";
    /// <summary>Payment hash, <b>hex</b>.</summary>
    [JsonPropertyName("payment_hash")] public string PaymentHash { get; set; } = "";
    /// <summary>Amount, sat.</summary>
    [JsonPropertyName("num_satoshis")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long NumSatoshis { get; set; }
    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("timestamp")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Timestamp { get; set; }
    /// <summary>Seconds.</summary>
    [JsonPropertyName("expiry")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Expiry { get; set; }
    /// <summary>Description.</summary>
    [JsonPropertyName("description")] public string Description { get; set; } = "";
    /// <summary>Description hash, <b>hex</b>.</summary>
    [JsonPropertyName("description_hash")] public string DescriptionHash { get; set; } = "";
    /// <summary>Fallback address.</summary>
    [JsonPropertyName("fallback_addr")] public string FallbackAddr { get; set; } = "";
    /// <summary>Final CLTV delta.</summary>
    [JsonPropertyName("cltv_expiry")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long CltvExpiry { get; set; }
    /// <summary>Payment address, base64.</summary>
    [JsonPropertyName("payment_addr")] public string PaymentAddr { get; set; } = "";
    /// <summary>Amount, msat.</summary>
    [JsonPropertyName("num_msat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long NumMsat { get; set; }
}
