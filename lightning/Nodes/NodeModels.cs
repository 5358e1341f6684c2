namespace L402Train.Lightning;

/// <summary>What a node says about itself.</summary>
/// <param name="Id">The node's public key.</param>
/// <param name="Alias">A human-readable name.</param>
/// <param name="Network">"simnet", "regtest", "testnet", "mainnet", ...</param>
/// <param name="BlockHeight">The chain height the node sees (simnet derives it from its clock).</param>
public sealed record NodeInfo(NodeId Id, string Alias, string Network, long BlockHeight);

/// <summary>Channel balances summed over the node's channels.</summary>
/// <param name="Local">What the node can spend.</param>
/// <param name="Remote">What the node can receive.</param>
/// <param name="PendingOutgoing">Locked in outgoing HTLCs not yet resolved.</param>
/// <param name="PendingIncoming">Locked in incoming HTLCs not yet resolved.</param>
public sealed record ChannelBalance(MilliSats Local, MilliSats Remote, MilliSats PendingOutgoing, MilliSats PendingIncoming);

/// <summary>Invoice states, as LND names them.</summary>
public enum InvoiceState
{
    /// <summary>Issued, not paid.</summary>
    Open,
    /// <summary>A hold invoice whose HTLC is locked: the payer's funds are held until settle or cancel.</summary>
    Accepted,
    /// <summary>Paid; the preimage is released. Final.</summary>
    Settled,
    /// <summary>Cancelled or expired; any HTLC was failed back. Final.</summary>
    Canceled,
}

/// <summary>An invoice issued by this node.</summary>
/// <param name="Hash">The payment hash.</param>
/// <param name="PaymentRequest">The BOLT11 string.</param>
/// <param name="Amount">The requested amount; null for an amountless invoice.</param>
/// <param name="State">The current state.</param>
/// <param name="IsHold">True for a hold invoice (the node does not know the preimage until settle).</param>
/// <param name="Memo">The description.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="ExpiresAt">After this the invoice can no longer be paid.</param>
/// <param name="AmountPaid">What the payer sent (0 until ACCEPTED or SETTLED).</param>
/// <param name="Preimage">Known once settled, or from creation for a plain invoice.</param>
/// <param name="SettledAt">When it was settled.</param>
public sealed record Invoice(
    PaymentHash Hash,
    string PaymentRequest,
    MilliSats? Amount,
    InvoiceState State,
    bool IsHold,
    string? Memo,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    MilliSats AmountPaid,
    Preimage? Preimage,
    DateTimeOffset? SettledAt)
{
    /// <summary>The node's add index of the invoice (LND <c>add_index</c>, from 1, increasing in creation order); 0 where unknown.</summary>
    public long AddIndex { get; init; }

    /// <summary>The node's settle index (LND <c>settle_index</c>); 0 until settled or where unknown.</summary>
    public long SettleIndex { get; init; }
}

/// <summary>A request for a plain invoice.</summary>
/// <param name="Amount">The amount; null makes an amountless invoice.</param>
/// <param name="Memo">The description (BOLT11 <c>d</c>).</param>
/// <param name="Expiry">How long it may be paid.</param>
/// <param name="Preimage">Use this preimage instead of a random one.</param>
public sealed record CreateInvoiceRequest(MilliSats? Amount, string? Memo, TimeSpan Expiry, Preimage? Preimage = null);

/// <summary>A request for a hold invoice: the caller keeps the preimage.</summary>
/// <param name="Hash">The payment hash (SHA-256 of the caller's preimage).</param>
/// <param name="Amount">The amount.</param>
/// <param name="Memo">The description.</param>
/// <param name="Expiry">How long it may be paid.</param>
/// <param name="CltvExpiry">Final CLTV delta in blocks: bounds how long an accepted HTLC may be held.</param>
public sealed record CreateHoldInvoiceRequest(PaymentHash Hash, MilliSats Amount, string? Memo, TimeSpan Expiry, int CltvExpiry = 80);

/// <summary>Outgoing payment states, as LND's router names them.</summary>
public enum PaymentStatus
{
    /// <summary>HTLCs are locked and unresolved.</summary>
    InFlight,
    /// <summary>The payee settled; the preimage is known. Final.</summary>
    Succeeded,
    /// <summary>Failed; funds are back. Final.</summary>
    Failed,
}

/// <summary>Why a payment failed.</summary>
public enum PaymentFailureReason
{
    /// <summary>Not failed.</summary>
    None,
    /// <summary>The payment timed out before an HTLC was accepted.</summary>
    Timeout,
    /// <summary>No route to the payee with enough capacity.</summary>
    NoRoute,
    /// <summary>An unexpected error.</summary>
    Error,
    /// <summary>The payee refused: unknown hash, wrong amount, expired or already paid.</summary>
    IncorrectPaymentDetails,
    /// <summary>The payer's local balance is too low.</summary>
    InsufficientBalance,
    /// <summary>The payee cancelled the (hold) invoice after accepting the HTLC, or it expired.</summary>
    Canceled,
}

/// <summary>An outgoing payment.</summary>
/// <param name="Hash">The payment hash.</param>
/// <param name="Status">The current state.</param>
/// <param name="Amount">The amount delivered to the payee.</param>
/// <param name="Fee">Routing fee paid.</param>
/// <param name="Preimage">Set once SUCCEEDED.</param>
/// <param name="FailureReason">Set once FAILED.</param>
/// <param name="CreatedAt">When the payment started.</param>
public sealed record Payment(
    PaymentHash Hash,
    PaymentStatus Status,
    MilliSats Amount,
    MilliSats Fee,
    Preimage? Preimage,
    PaymentFailureReason FailureReason,
    DateTimeOffset CreatedAt);

/// <summary>A request to pay a BOLT11 invoice.</summary>
/// <param name="Bolt11">The payment request string.</param>
/// <param name="MaxFee">The most routing fee the payer accepts.</param>
/// <param name="Timeout">Give up when no HTLC is accepted by then.</param>
/// <param name="Amount">Required for an amountless invoice, refused otherwise.</param>
public sealed record PaymentRequest(string Bolt11, MilliSats MaxFee, TimeSpan Timeout, MilliSats? Amount = null);

/// <summary>A decoded and signature-checked BOLT11 invoice, as a node reports it.</summary>
/// <param name="Destination">The payee (recovered from the signature, or <c>n</c>).</param>
/// <param name="Hash">The payment hash.</param>
/// <param name="Amount">Null for an amountless invoice.</param>
/// <param name="Description">The <c>d</c> field.</param>
/// <param name="DescriptionHash">The <c>h</c> field, hex.</param>
/// <param name="CreatedAt">The invoice timestamp.</param>
/// <param name="Expiry">The <c>x</c> field (default 3600 s).</param>
/// <param name="MinFinalCltvExpiry">The <c>c</c> field (default 18).</param>
/// <param name="Network">The human-readable prefix's network: "bc", "tb", "bcrt", ...</param>
public sealed record PaymentRequestDetails(
    NodeId Destination,
    PaymentHash Hash,
    MilliSats? Amount,
    string? Description,
    string? DescriptionHash,
    DateTimeOffset CreatedAt,
    TimeSpan Expiry,
    int MinFinalCltvExpiry,
    string Network)
{
    /// <summary>When the invoice stops being payable.</summary>
    public DateTimeOffset ExpiresAt => CreatedAt + Expiry;
}
