using System.Diagnostics.Metrics;
using System.Text.Json;

namespace L402Train.Grains.Payments;

/// <summary>
/// The <c>L402Train.Money</c> meter: deposits held, refunded and forfeited, rewards paid, and how
/// long a decided deposit or an owed reward waits for the node. Each money movement is counted
/// where its grain records it (once per state change, by payment hash), labelled only by purpose
/// and operation: never by payment hash, peer or bounty.
/// </summary>
public static class MoneyMetrics
{
    /// <summary>The meter's name (what an OpenTelemetry provider adds).</summary>
    public const string MeterName = "L402Train.Money";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Held = Meter.CreateCounter<long>(
        "l402train.money.deposits.held", "{deposit}", "Deposits locked behind a submission (hold invoice ACCEPTED and its token used), by purpose.");

    private static readonly Counter<long> HeldSats = Meter.CreateCounter<long>(
        "l402train.money.deposits.held.sats", "{sat}", "Sats locked in those deposits, by purpose.");

    private static readonly Counter<long> Refunded = Meter.CreateCounter<long>(
        "l402train.money.deposits.refunded", "{deposit}", "Deposits whose hold invoice was cancelled (the HTLC failed back to the payer), by purpose.");

    private static readonly Counter<long> RefundedSats = Meter.CreateCounter<long>(
        "l402train.money.deposits.refunded.sats", "{sat}", "Sats returned by those refunds, by purpose.");

    private static readonly Counter<long> Forfeited = Meter.CreateCounter<long>(
        "l402train.money.deposits.forfeited", "{deposit}", "Deposits settled to the coordinator (forfeited), by purpose.");

    private static readonly Counter<long> ForfeitedSats = Meter.CreateCounter<long>(
        "l402train.money.deposits.forfeited.sats", "{sat}", "Sats kept from forfeited deposits, by purpose.");

    private static readonly Counter<long> Paid = Meter.CreateCounter<long>(
        "l402train.money.rewards.paid", "{payment}", "Payments that left the node: training rewards, bounty payouts and refunds to sponsors, by purpose.");

    private static readonly Counter<long> PaidSats = Meter.CreateCounter<long>(
        "l402train.money.rewards.paid.sats", "{sat}", "Sats those payments delivered, by purpose (routing fees not included).");

    private static readonly Counter<long> FeeSats = Meter.CreateCounter<long>(
        "l402train.money.routing.fees.sats", "{sat}", "Routing fees the node paid on top of those payments, by purpose.");

    private static readonly Histogram<double> Settle = Meter.CreateHistogram(
        "l402train.money.settle.duration", "s",
        "From the moment a settle, cancel or payment job was due (the verdict or the claim) to the node's answer recorded, by operation.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    /// <summary>A deposit locked behind a request that will file (or refuse) a submission.</summary>
    public static void DepositHeld(InvoicePurpose purpose, Lightning.Sats amountSat)
    {
        var tag = PurposeTag(purpose);
        Held.Add(1, tag);
        HeldSats.Add(amountSat.Value, tag);
    }

    /// <summary>Counts an invoice's move from <paramref name="before"/> to <paramref name="after"/> (call once, after the move is stored).</summary>
    public static void Moved(InvoiceRecord before, InvoiceRecord after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var tag = PurposeTag(after.Purpose);
        switch (after.Direction, after.State)
        {
            case (InvoiceDirection.Incoming, MoneyState.Settled) when IsDeposit(after.Purpose):
                Forfeited.Add(1, tag);
                ForfeitedSats.Add(after.AmountSat.Value, tag);
                break;
            case (InvoiceDirection.Incoming, MoneyState.Canceled) when IsDeposit(after.Purpose):
                // The record's amount drops to 0 on cancel: what was locked is the amount before.
                Refunded.Add(1, tag);
                RefundedSats.Add(before.AmountSat.Value, tag);
                break;
            case (InvoiceDirection.Outgoing, MoneyState.Paid):
                Paid.Add(1, tag);
                PaidSats.Add(after.AmountSat.Value, tag);
                FeeSats.Add(after.FeeSat.Value, tag);
                break;
            default:
                break;
        }
    }

    /// <summary>Records how long a money job's effect took from the moment it was due; <paramref name="operation"/> is settle, cancel or pay.</summary>
    public static void JobAnswered(string operation, TimeSpan sinceDue) =>
        Settle.Record(Math.Max(0, sinceDue.TotalSeconds), new KeyValuePair<string, object?>("operation", operation));

    /// <summary>The label value of a purpose: <c>gradient_deposit</c>, <c>bounty_payout</c>...</summary>
    public static string PurposeName(InvoicePurpose purpose) => JsonNamingPolicy.SnakeCaseLower.ConvertName(purpose.ToString());

    private static bool IsDeposit(InvoicePurpose purpose) => purpose is InvoicePurpose.GradientDeposit or InvoicePurpose.BountyDeposit or InvoicePurpose.ExperimentPayment;

    private static KeyValuePair<string, object?> PurposeTag(InvoicePurpose purpose) => new("purpose", PurposeName(purpose));
}
