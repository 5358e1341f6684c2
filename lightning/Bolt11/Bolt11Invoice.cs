using System.Security.Cryptography;
using L402Train.Lightning.Secp256k1;

namespace L402Train.Lightning.Bolt11;

/// <summary>
/// A decoded, signature-checked BOLT11 payment request. Create one with <see cref="Decode"/> or
/// <see cref="Sign"/>; every instance has passed the spec's reader requirements.
/// </summary>
public sealed partial class Bolt11Invoice
{
    /// <summary>The default expiry when <c>x</c> is absent.</summary>
    public static readonly TimeSpan DefaultExpiry = TimeSpan.FromSeconds(3600);

    /// <summary>The default <c>min_final_cltv_expiry_delta</c> when <c>c</c> is absent.</summary>
    public const int DefaultMinFinalCltvExpiry = 18;

    private Bolt11Invoice() { }

    /// <summary>The payment request in lowercase, without a "lightning:" prefix.</summary>
    public string PaymentRequest { get; private init; } = "";

    /// <summary>The network prefix after "ln": "bc", "tb", "tbs", "bcrt", ...</summary>
    public string Currency { get; private init; } = "";

    /// <summary>Null for an amountless ("any amount") invoice.</summary>
    public MilliSats? Amount { get; private init; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset Timestamp { get; private init; }

    /// <summary>The <c>p</c> field.</summary>
    public PaymentHash PaymentHash { get; private init; }

    /// <summary>The <c>s</c> field (32 bytes).</summary>
    public ReadOnlyMemory<byte> PaymentSecret { get; private init; }

    /// <summary>The <c>d</c> field, or null when the invoice carries <see cref="DescriptionHash"/>.</summary>
    public string? Description { get; private init; }

    /// <summary>The <c>h</c> field (32 bytes), or null.</summary>
    public ReadOnlyMemory<byte>? DescriptionHash { get; private init; }

    /// <summary>The payee: the <c>n</c> field when present, else the key recovered from the signature.</summary>
    public NodeId Payee { get; private init; }

    /// <summary>True when the invoice carries the <c>n</c> field.</summary>
    public bool HasExplicitPayee { get; private init; }

    /// <summary>The <c>x</c> field, or 3600 s.</summary>
    public TimeSpan Expiry { get; private init; } = DefaultExpiry;

    /// <summary>When the invoice stops being payable.</summary>
    public DateTimeOffset ExpiresAt => Timestamp + Expiry;

    /// <summary>The <c>c</c> field, or 18.</summary>
    public int MinFinalCltvExpiry { get; private init; } = DefaultMinFinalCltvExpiry;

    /// <summary>Feature bits set in the <c>9</c> field.</summary>
    public IReadOnlySet<int> Features { get; private init; } = new HashSet<int>();

    /// <summary>Route hints, one list per <c>r</c> field.</summary>
    public IReadOnlyList<IReadOnlyList<RouteHintHop>> RouteHints { get; private init; } = [];

    /// <summary>Understood fallback addresses, in order.</summary>
    public IReadOnlyList<FallbackAddress> Fallbacks { get; private init; } = [];

    /// <summary>The <c>m</c> field, or null.</summary>
    public ReadOnlyMemory<byte>? Metadata { get; private init; }

    /// <summary>R ‖ S, 64 bytes.</summary>
    public ReadOnlyMemory<byte> Signature { get; private init; }

    /// <summary>The signature's recovery id (0..3).</summary>
    public int RecoveryId { get; private init; }

    /// <summary>The bytes the signature covers: HRP ‖ data part (timestamp and tagged fields) padded to bytes.</summary>
    public ReadOnlyMemory<byte> SigningData { get; private init; }

    /// <summary>SHA-256 of <see cref="SigningData"/>: the signed message.</summary>
    public ReadOnlyMemory<byte> SigningHash => SHA256.HashData(SigningData.Span);

    /// <summary>The description hash as lowercase hex, or null.</summary>
    public string? DescriptionHashHex => DescriptionHash is { } h ? Convert.ToHexStringLower(h.Span) : null;

    /// <summary>True when the invoice has expired at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>The node-facing summary of this invoice.</summary>
    public PaymentRequestDetails ToDetails() => new(
        Payee, PaymentHash, Amount, Description, DescriptionHashHex, Timestamp, Expiry, MinFinalCltvExpiry, Currency);

    /// <summary>Decodes and checks a payment request; throws <see cref="Bolt11FormatException"/> saying what is wrong.</summary>
    public static Bolt11Invoice Decode(string paymentRequest, Secp256k1Engine? engine = null) =>
        Bolt11Decoder.Decode(paymentRequest, engine ?? Secp256k1Engine.Default);

    /// <summary>Decodes a payment request; false with the reason when it is not a valid BOLT11 invoice.</summary>
    public static bool TryDecode(string paymentRequest, out Bolt11Invoice? invoice, out string? error, Secp256k1Engine? engine = null)
    {
        try
        {
            invoice = Decode(paymentRequest, engine);
            error = null;
            return true;
        }
        catch (Bolt11FormatException e)
        {
            invoice = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Encodes and signs a new invoice with the payee's key.</summary>
    public static Bolt11Invoice Sign(Bolt11Request request, NodeKey payeeKey) => Bolt11Encoder.Encode(request, payeeKey);

    /// <inheritdoc />
    public override string ToString() => PaymentRequest;

    internal static Bolt11Invoice Create(
        string paymentRequest, string currency, MilliSats? amount, DateTimeOffset timestamp, Bolt11Fields fields,
        NodeId payee, bool explicitPayee, byte[] signature, int recoveryId, byte[] signingData) => new()
    {
        PaymentRequest = paymentRequest,
        Currency = currency,
        Amount = amount,
        Timestamp = timestamp,
        PaymentHash = fields.PaymentHash!.Value,
        PaymentSecret = fields.PaymentSecret!,
        Description = fields.Description,
        DescriptionHash = fields.DescriptionHash,
        Payee = payee,
        HasExplicitPayee = explicitPayee,
        Expiry = fields.Expiry ?? DefaultExpiry,
        MinFinalCltvExpiry = fields.MinFinalCltvExpiry ?? DefaultMinFinalCltvExpiry,
        Features = fields.Features ?? new HashSet<int>(),
        RouteHints = fields.RouteHints,
        Fallbacks = fields.Fallbacks,
        Metadata = fields.Metadata,
        Signature = signature,
        RecoveryId = recoveryId,
        SigningData = signingData,
    };
}

/// <summary>The tagged fields as a reader collects them.</summary>
internal sealed class Bolt11Fields
{
    public PaymentHash? PaymentHash;
    public byte[]? PaymentSecret;
    public string? Description;
    public byte[]? DescriptionHash;
    public NodeId? PayeeNodeKey;
    public TimeSpan? Expiry;
    public int? MinFinalCltvExpiry;
    public HashSet<int>? Features;
    public byte[]? Metadata;
    public List<IReadOnlyList<RouteHintHop>> RouteHints = [];
    public List<FallbackAddress> Fallbacks = [];
}
