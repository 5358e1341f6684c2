namespace L402Train.Lightning.Facade;

/// <summary>The protobuf type of a field, as far as reading its JSON needs to know.</summary>
internal enum LndFieldKind
{
    String,
    Bytes,
    Int64,
    UInt64,
    Int32,
    UInt32,
    Bool,
    Double,
    Enum,
    Message,
    Repeated,
    Map,
}

/// <summary>
/// One LND request message: every field LND's REST proxy accepts in its JSON body. The lists are
/// lnrpc/lightning.proto, lnrpc/invoicesrpc/invoices.proto and lnrpc/routerrpc/router.proto at
/// lightningnetwork/lnd 90ea05d (2026-08); protojson accepts each field by its proto name and by
/// its lowerCamelCase JSON name, and refuses any other (LND's REST unmarshal options do not
/// discard unknown fields).
/// </summary>
internal sealed class LndRequestMessage
{
    private readonly Dictionary<string, string> byJsonName = new(StringComparer.Ordinal);

    private LndRequestMessage(string name, params (string Name, LndFieldKind Kind)[] fields)
    {
        Name = name;
        Fields = fields.ToDictionary(f => f.Name, f => f.Kind, StringComparer.Ordinal);
        foreach (var (field, _) in fields)
        {
            byJsonName[field] = field;
            byJsonName[JsonName(field)] = field;
        }
    }

    /// <summary>The message's full proto name.</summary>
    public string Name { get; }

    /// <summary>Every field by proto name.</summary>
    public IReadOnlyDictionary<string, LndFieldKind> Fields { get; }

    /// <summary>The proto name of a JSON key (proto or lowerCamelCase spelling); false for an unknown field.</summary>
    public bool TryResolve(string jsonKey, out string protoName) => byJsonName.TryGetValue(jsonKey, out protoName!);

    /// <summary>protoc's JSON name: lowerCamelCase of the proto name.</summary>
    public static string JsonName(string protoName)
    {
        var parts = protoName.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? "" : char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>lnrpc.SignMessageRequest, the body of <c>POST /v1/signmessage</c>.</summary>
    public static LndRequestMessage SignMessageRequest { get; } = new("lnrpc.SignMessageRequest", ("msg", LndFieldKind.Bytes), ("single_hash", LndFieldKind.Bool));

    /// <summary>lnrpc.Invoice, the body of <c>POST /v1/invoices</c> (AddInvoice).</summary>
    public static LndRequestMessage Invoice { get; } = new("lnrpc.Invoice",
        ("memo", LndFieldKind.String), ("r_preimage", LndFieldKind.Bytes), ("r_hash", LndFieldKind.Bytes),
        ("value", LndFieldKind.Int64), ("value_msat", LndFieldKind.Int64), ("settled", LndFieldKind.Bool),
        ("creation_date", LndFieldKind.Int64), ("settle_date", LndFieldKind.Int64), ("payment_request", LndFieldKind.String),
        ("description_hash", LndFieldKind.Bytes), ("expiry", LndFieldKind.Int64), ("fallback_addr", LndFieldKind.String),
        ("cltv_expiry", LndFieldKind.UInt64), ("route_hints", LndFieldKind.Repeated), ("private", LndFieldKind.Bool),
        ("add_index", LndFieldKind.UInt64), ("settle_index", LndFieldKind.UInt64), ("amt_paid", LndFieldKind.Int64),
        ("amt_paid_sat", LndFieldKind.Int64), ("amt_paid_msat", LndFieldKind.Int64), ("state", LndFieldKind.Enum),
        ("htlcs", LndFieldKind.Repeated), ("features", LndFieldKind.Map), ("is_keysend", LndFieldKind.Bool),
        ("payment_addr", LndFieldKind.Bytes), ("is_amp", LndFieldKind.Bool), ("amp_invoice_state", LndFieldKind.Map),
        ("is_blinded", LndFieldKind.Bool), ("blinded_path_config", LndFieldKind.Message));

    /// <summary>invoicesrpc.AddHoldInvoiceRequest, the body of <c>POST /v2/invoices/hodl</c>.</summary>
    public static LndRequestMessage AddHoldInvoiceRequest { get; } = new("invoicesrpc.AddHoldInvoiceRequest",
        ("memo", LndFieldKind.String), ("hash", LndFieldKind.Bytes), ("value", LndFieldKind.Int64),
        ("value_msat", LndFieldKind.Int64), ("description_hash", LndFieldKind.Bytes), ("expiry", LndFieldKind.Int64),
        ("fallback_addr", LndFieldKind.String), ("cltv_expiry", LndFieldKind.UInt64), ("route_hints", LndFieldKind.Repeated),
        ("private", LndFieldKind.Bool));

    /// <summary>invoicesrpc.SettleInvoiceMsg, the body of <c>POST /v2/invoices/settle</c>.</summary>
    public static LndRequestMessage SettleInvoiceMsg { get; } = new("invoicesrpc.SettleInvoiceMsg", ("preimage", LndFieldKind.Bytes));

    /// <summary>invoicesrpc.CancelInvoiceMsg, the body of <c>POST /v2/invoices/cancel</c>.</summary>
    public static LndRequestMessage CancelInvoiceMsg { get; } = new("invoicesrpc.CancelInvoiceMsg", ("payment_hash", LndFieldKind.Bytes));

    /// <summary>routerrpc.SendPaymentRequest, the body of <c>POST /v2/router/send</c>.</summary>
    public static LndRequestMessage SendPaymentRequest { get; } = new("routerrpc.SendPaymentRequest",
        ("dest", LndFieldKind.Bytes), ("amt", LndFieldKind.Int64), ("payment_hash", LndFieldKind.Bytes),
        ("final_cltv_delta", LndFieldKind.Int32), ("payment_request", LndFieldKind.String), ("timeout_seconds", LndFieldKind.Int32),
        ("fee_limit_sat", LndFieldKind.Int64), ("cltv_limit", LndFieldKind.Int32), ("route_hints", LndFieldKind.Repeated),
        ("dest_custom_records", LndFieldKind.Map), ("amt_msat", LndFieldKind.Int64), ("fee_limit_msat", LndFieldKind.Int64),
        ("last_hop_pubkey", LndFieldKind.Bytes), ("allow_self_payment", LndFieldKind.Bool), ("dest_features", LndFieldKind.Repeated),
        ("max_parts", LndFieldKind.UInt32), ("no_inflight_updates", LndFieldKind.Bool), ("outgoing_chan_ids", LndFieldKind.Repeated),
        ("payment_addr", LndFieldKind.Bytes), ("max_shard_size_msat", LndFieldKind.UInt64), ("amp", LndFieldKind.Bool),
        ("time_pref", LndFieldKind.Double), ("cancelable", LndFieldKind.Bool), ("first_hop_custom_records", LndFieldKind.Map));

    /// <summary>Every message the facade reads from a JSON body, by route.</summary>
    public static IReadOnlyDictionary<string, LndRequestMessage> ByRoute { get; } = new Dictionary<string, LndRequestMessage>(StringComparer.Ordinal)
    {
        ["/v1/invoices"] = Invoice,
        ["/v2/invoices/hodl"] = AddHoldInvoiceRequest,
        ["/v2/invoices/settle"] = SettleInvoiceMsg,
        ["/v2/invoices/cancel"] = CancelInvoiceMsg,
        ["/v2/router/send"] = SendPaymentRequest,
    };
}
