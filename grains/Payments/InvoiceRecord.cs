using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>Which way the money goes, seen from the coordinator's node.</summary>
[GenerateSerializer, Alias("l402.InvoiceDirection")]
public enum InvoiceDirection
{
    /// <summary>The coordinator issued the invoice and is paid.</summary>
    Incoming,
    /// <summary>The coordinator pays someone else's invoice.</summary>
    Outgoing,
}

/// <summary>What an invoice is for; the ledger groups by it.</summary>
[GenerateSerializer, Alias("l402.InvoicePurpose")]
public enum InvoicePurpose
{
    /// <summary>A standard L402 fee for a checkpoint download.</summary>
    CheckpointFee,
    /// <summary>A hold-invoice deposit behind a gradient submission.</summary>
    GradientDeposit,
    /// <summary>A training reward paid to a peer.</summary>
    TrainingReward,
    /// <summary>A standard L402 fee for a bounty download.</summary>
    BountyAccess,
    /// <summary>A hold-invoice deposit behind a bounty submission.</summary>
    BountyDeposit,
    /// <summary>A sponsor's funding of a bounty pool.</summary>
    BountyFunding,
    /// <summary>A bounty reward paid to an agent.</summary>
    BountyPayout,
    /// <summary>What is left of a cancelled bounty, paid back to its sponsor.</summary>
    BountyRefund,
    /// <summary>The coordinator's fee kept out of a bounty reward: no node movement (part of a funding already received).</summary>
    CoordinatorFee,
    /// <summary>Capital the simnet development faucet put on the coordinator's side of a new channel (no invoice).</summary>
    SimnetFaucet,
    /// <summary>A standard L402 fee for an inference completion (<c>POST /v1/chat/completions</c>).</summary>
    Inference,
    /// <summary>A worker's hold invoice for one experiment (<c>POST /experiment</c>): settled when the result is delivered, cancelled when the worker fails to deliver.</summary>
    ExperimentPayment,
    /// <summary>The temporal holdback of a bounty reward, paid to the agent after its re-evaluation held up.</summary>
    BountyHoldback,
}

/// <summary>Where the money of one invoice stands. Transitions only move forward.</summary>
[GenerateSerializer, Alias("l402.MoneyState")]
public enum MoneyState
{
    /// <summary>Issued, unpaid.</summary>
    Open,
    /// <summary>A hold invoice whose HTLC is locked.</summary>
    Held,
    /// <summary>Incoming money received (final).</summary>
    Settled,
    /// <summary>Incoming invoice cancelled or expired; nothing received (final).</summary>
    Canceled,
    /// <summary>Outgoing payment started.</summary>
    Paying,
    /// <summary>Outgoing payment succeeded (final).</summary>
    Paid,
    /// <summary>Outgoing payment failed; nothing left the node (final for this attempt).</summary>
    Failed,
}

/// <summary>One invoice the coordinator issued or paid, kept in step with its node.</summary>
/// <param name="PaymentHash">The payment hash; its hex is the grain key.</param>
/// <param name="Direction">Incoming or outgoing.</param>
/// <param name="Purpose">What it pays for.</param>
/// <param name="AmountSat">The amount.</param>
/// <param name="State">Where the money stands.</param>
/// <param name="Owner">What it belongs to, e.g. <c>submission/…</c> or <c>bounty/…</c>.</param>
/// <param name="FeeSat">Routing fee paid (outgoing).</param>
/// <param name="CreatedAt">When it was first tracked.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
[GenerateSerializer, Immutable, Alias("l402.InvoiceRecord")]
public sealed record InvoiceRecord(
    PaymentHash PaymentHash,
    InvoiceDirection Direction,
    InvoicePurpose Purpose,
    Sats AmountSat,
    MoneyState State,
    string? Owner,
    Sats FeeSat,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>True once no further transition can happen.</summary>
    public bool IsFinal => State is MoneyState.Settled or MoneyState.Canceled or MoneyState.Paid;

    /// <summary>Whether moving from the current state to <paramref name="next"/> is allowed.</summary>
    public bool CanMoveTo(MoneyState next) => (Direction, State, next) switch
    {
        (_, var a, var b) when a == b => false,
        (InvoiceDirection.Incoming, MoneyState.Open, MoneyState.Held or MoneyState.Settled or MoneyState.Canceled) => true,
        (InvoiceDirection.Incoming, MoneyState.Held, MoneyState.Settled or MoneyState.Canceled) => true,
        (InvoiceDirection.Outgoing, MoneyState.Paying, MoneyState.Paid or MoneyState.Failed) => true,
        (InvoiceDirection.Outgoing, MoneyState.Failed, MoneyState.Paying or MoneyState.Paid) => true,
        _ => false,
    };
}
