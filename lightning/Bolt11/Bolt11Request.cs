namespace L402Train.Lightning.Bolt11;

/// <summary>What goes into a new BOLT11 invoice before it is signed.</summary>
/// <param name="Currency">The network prefix after "ln": "bc", "tb", "tbs", "bcrt".</param>
/// <param name="PaymentHash">The <c>p</c> field.</param>
/// <param name="PaymentSecret">The <c>s</c> field (32 bytes).</param>
/// <param name="Timestamp">Creation time (whole seconds are kept).</param>
public sealed record Bolt11Request(string Currency, PaymentHash PaymentHash, ReadOnlyMemory<byte> PaymentSecret, DateTimeOffset Timestamp)
{
    /// <summary>Null for an amountless invoice.</summary>
    public MilliSats? Amount { get; init; }

    /// <summary>The <c>d</c> field; exactly one of this and <see cref="DescriptionHash"/> is set (an empty description is allowed).</summary>
    public string? Description { get; init; }

    /// <summary>The <c>h</c> field (32 bytes).</summary>
    public ReadOnlyMemory<byte>? DescriptionHash { get; init; }

    /// <summary>The <c>x</c> field; null leaves it out (readers assume 3600 s).</summary>
    public TimeSpan? Expiry { get; init; }

    /// <summary>The <c>c</c> field; null leaves it out (readers assume 18).</summary>
    public int? MinFinalCltvExpiry { get; init; }

    /// <summary>Feature bits (<c>9</c> field); default var_onion_optin (8) and payment_secret (14), both required.</summary>
    public IReadOnlyCollection<int> Features { get; init; } = [8, 14];

    /// <summary>Write the <c>n</c> field so readers verify instead of recovering the key.</summary>
    public bool IncludePayeeNodeKey { get; init; }

    /// <summary>Route hints (<c>r</c> fields), one list per route.</summary>
    public IReadOnlyList<IReadOnlyList<RouteHintHop>> RouteHints { get; init; } = [];

    /// <summary>Fallback addresses (<c>f</c> fields).</summary>
    public IReadOnlyList<FallbackAddress> Fallbacks { get; init; } = [];

    /// <summary>The <c>m</c> field.</summary>
    public ReadOnlyMemory<byte>? Metadata { get; init; }
}
