using System.Text.Json.Serialization;
using L402Train.Lightning;
using L402Train.Runtime;

namespace L402Train.Grains.Payments;

/// <summary>One movement of sats through the coordinator's node.</summary>
/// <param name="Key">
/// The invoice or payment it comes from (its payment hash in hex), or for a movement without an invoice
/// a key of its own (<c>fee:…</c>, a faucet grant): so a string, not a <see cref="PaymentHash"/>. The
/// ledger holds one entry per key; stored as <c>paymentHash</c>, the name entries were written with.
/// </param>
/// <param name="Purpose">What it was for.</param>
/// <param name="InSat">Sats received.</param>
/// <param name="OutSat">Sats sent, fees included.</param>
/// <param name="Owner">What it belongs to.</param>
/// <param name="At">When it was recorded.</param>
[GenerateSerializer, Alias("l402.LedgerEntry")]
public sealed record LedgerEntry([property: JsonPropertyName("paymentHash")] string Key, InvoicePurpose Purpose, Sats InSat, Sats OutSat, string? Owner, DateTimeOffset At)
{
    /// <summary>Sats of money already received that the coordinator keeps as its fee (no node movement; 0 for invoices).</summary>
    [Id(100)]
    public Sats KeptSat { get; init; }

    /// <summary>The entry a final invoice record implies.</summary>
    public static LedgerEntry From(InvoiceRecord invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.Direction == InvoiceDirection.Incoming
            ? new(invoice.PaymentHash.ToHex(), invoice.Purpose, invoice.AmountSat, Sats.Zero, invoice.Owner, invoice.UpdatedAt)
            : new(invoice.PaymentHash.ToHex(), invoice.Purpose, Sats.Zero, invoice.AmountSat + invoice.FeeSat, invoice.Owner, invoice.UpdatedAt);
    }
}

/// <summary>The ledger's state: the opening balance and every entry, in order.</summary>
[GenerateSerializer, Alias("l402.LedgerState")]
public sealed record LedgerState
{
    /// <summary>The node's spendable balance when the ledger opened, in sats.</summary>
    [Id(0)]
    public Sats OpeningBalanceSat { get; init; }

    /// <summary>True once opened.</summary>
    [Id(1)]
    public bool Opened { get; init; }

    /// <summary>Every entry, in posting order.</summary>
    [Id(2)]
    public List<LedgerEntry> Entries { get; init; } = [];

    /// <summary>
    /// The fee sweep's cursor, an add index of the coordinator's node: every standard fee invoice at or
    /// below it is final (settled, cancelled or expired) and, if settled, in <see cref="Entries"/>. The
    /// sweep and the ledger check list the node's invoices above it (LND's <c>index_offset</c>).
    /// </summary>
    [Id(3)]
    public long FeeCursor { get; init; }

    /// <summary>Sum of sats received.</summary>
    public long TotalInSat => Entries.Sum(e => e.InSat.Value);

    /// <summary>Sum of sats sent (fees included).</summary>
    public long TotalOutSat => Entries.Sum(e => e.OutSat.Value);

    /// <summary>Sum of fees kept (already part of <see cref="TotalInSat"/>).</summary>
    public long TotalKeptSat => Entries.Sum(e => e.KeptSat.Value);

    /// <summary>What the node's spendable balance should be (signed: a ledger that disagrees with its node may go below zero).</summary>
    public long ExpectedBalanceSat => OpeningBalanceSat.Value + TotalInSat - TotalOutSat;
}

/// <summary>The coordinator's ledger of every sat in and out; reconciled against its node.</summary>
[Alias("l402.ILedgerGrain")]
public interface ILedgerGrain : IGrainWithStringKey
{
    /// <summary>Records the opening balance once (later calls keep the first).</summary>
    Task OpenAsync(Sats openingBalanceSat);

    /// <summary>
    /// Records the opening balance and the fee sweep's starting cursor once (later calls keep the first):
    /// fees on invoices at or below <paramref name="feeCursor"/> are part of the opening balance.
    /// </summary>
    Task OpenAtAsync(Sats openingBalanceSat, long feeCursor);

    /// <summary>Adds an entry unless one for the same payment hash exists (idempotent).</summary>
    Task PostAsync(LedgerEntry entry);

    /// <summary>The whole ledger.</summary>
    Task<LedgerState> GetAsync();

    /// <summary>Moves <see cref="LedgerState.FeeCursor"/> forward to <paramref name="addIndex"/>; a lower value is ignored (sweeps may finish out of order).</summary>
    Task AdvanceFeeCursorAsync(long addIndex);
}

/// <inheritdoc cref="ILedgerGrain"/>
[GrainType("ledger")]
public sealed class LedgerGrain([PersistentState("ledger")] IPersistentState<LedgerState> ledger) : OutboxGrain, ILedgerGrain
{
    /// <summary>The key of the coordinator's own ledger.</summary>
    public const string CoordinatorKey = "coordinator";

    /// <inheritdoc/>
    public Task OpenAsync(Sats openingBalanceSat) => OpenAtAsync(openingBalanceSat, 0);

    /// <inheritdoc/>
    public async Task OpenAtAsync(Sats openingBalanceSat, long feeCursor)
    {
        if (ledger.State.Opened) return;
        ArgumentOutOfRangeException.ThrowIfNegative(feeCursor);
        ledger.State = ledger.State with { Opened = true, OpeningBalanceSat = openingBalanceSat, FeeCursor = Math.Max(ledger.State.FeeCursor, feeCursor) };
        await ledger.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task PostAsync(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (ledger.State.Entries.Any(e => e.Key == entry.Key)) return;
        ledger.State = ledger.State with { Entries = [.. ledger.State.Entries, entry] };
        await ledger.WriteStateAsync();
    }

    /// <inheritdoc/>
    public Task<LedgerState> GetAsync() => Task.FromResult(ledger.State);

    /// <inheritdoc/>
    public async Task AdvanceFeeCursorAsync(long addIndex)
    {
        if (addIndex <= ledger.State.FeeCursor) return;
        ledger.State = ledger.State with { FeeCursor = addIndex };
        await ledger.WriteStateAsync();
    }
}
