namespace L402Train.Lightning.Simnet;

// The network's durable state as plain mutable records: changed only under the network's lock,
// persisted as JSON rows, rebuilt on restart.

internal sealed class NodeRecord
{
    public string Name { get; set; } = "";
    public string SecretKeyHex { get; set; } = "";
    public string MacaroonHex { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class ChannelRecord
{
    public long Id { get; set; }
    public string NodeA { get; set; } = "";
    public string NodeB { get; set; } = "";
    /// <summary>Spendable by A, excluding A's pending outgoing HTLCs.</summary>
    public long BalanceAMsat { get; set; }
    public long BalanceBMsat { get; set; }

    public string Other(string node) => node == NodeA ? NodeB : NodeA;
    public long BalanceOf(string node) => node == NodeA ? BalanceAMsat : BalanceBMsat;

    public void Add(string node, long msat)
    {
        if (node == NodeA) BalanceAMsat = checked(BalanceAMsat + msat);
        else BalanceBMsat = checked(BalanceBMsat + msat);
    }
}

internal sealed class HtlcRecord
{
    public long Id { get; set; }
    public long ChannelId { get; set; }
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public long AmountMsat { get; set; }
    public long ExpiryHeight { get; set; }
    /// <summary>The payment this HTLC belongs to: payer name and payment hash.</summary>
    public string Payer { get; set; } = "";
    public string PaymentHash { get; set; } = "";
}

internal sealed class InvoiceRecord
{
    public string Node { get; set; } = "";
    public string Hash { get; set; } = "";
    public string? PreimageHex { get; set; }
    public string PaymentRequest { get; set; } = "";
    public string PaymentAddrHex { get; set; } = "";
    public long? AmountMsat { get; set; }
    public InvoiceState State { get; set; }
    public bool IsHold { get; set; }
    public string? Memo { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public long AmountPaidMsat { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
    public int CltvExpiry { get; set; }
    public long AddIndex { get; set; }
    public long SettleIndex { get; set; }
    /// <summary>Set while ACCEPTED: who paid, and when the held HTLC expires.</summary>
    public string? Payer { get; set; }
    public long? AcceptHeight { get; set; }
    public long? HtlcExpiryHeight { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }

    public InvoiceRecord Copy() => (InvoiceRecord)MemberwiseClone();
}

internal sealed class PaymentRecord
{
    public string Payer { get; set; } = "";
    public string Hash { get; set; } = "";
    public string PaymentRequest { get; set; } = "";
    public PaymentStatus Status { get; set; }
    public long AmountMsat { get; set; }
    public long FeeMsat { get; set; }
    public string? PreimageHex { get; set; }
    public PaymentFailureReason FailureReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public long PaymentIndex { get; set; }
    /// <summary>The pending HTLCs along the route, payer's hop first.</summary>
    public List<long> HtlcIds { get; set; } = [];
    public string Payee { get; set; } = "";
}

/// <summary>Counters and the network's epoch, persisted alongside the records.</summary>
internal sealed class NetworkMeta
{
    public DateTimeOffset Genesis { get; set; }
    public long NextChannelId { get; set; } = 1;
    public long NextHtlcId { get; set; } = 1;
    public long NextIndex { get; set; } = 1;
}
