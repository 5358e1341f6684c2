using L402Train.Lightning;
using L402Train.Runtime;

namespace L402Train.Grains.Payments;

/// <summary>Every invoice the coordinator issues or pays, keyed by payment hash (hex).</summary>
[Alias("l402.IInvoiceGrain")]
public interface IInvoiceGrain : IGrainWithStringKey
{
    /// <summary>The record; null when the hash was never tracked.</summary>
    Task<InvoiceRecord?> GetAsync();

    /// <summary>Starts tracking (idempotent: a second call returns the existing record unchanged).</summary>
    Task<InvoiceRecord> TrackAsync(InvoiceDirection direction, InvoicePurpose purpose, Sats amountSat, MoneyState state, string? owner);

    /// <summary>
    /// Moves the money state forward (a repeated or backward move is ignored) and, on reaching
    /// Settled (incoming) or Paid (outgoing), posts the ledger entry. Safe to call again after a crash:
    /// the ledger post is idempotent by payment hash.
    /// </summary>
    Task<InvoiceRecord> RecordAsync(MoneyState state, Sats amountSat, Sats feeSat = default);
}

/// <inheritdoc cref="IInvoiceGrain"/>
[GrainType("invoice")]
internal sealed class InvoiceGrain([PersistentState("invoice")] IPersistentState<InvoiceRecord> record) : OutboxGrain, IInvoiceGrain
{
    /// <inheritdoc/>
    public Task<InvoiceRecord?> GetAsync() => Task.FromResult(record.RecordExists ? record.State : null);

    /// <inheritdoc/>
    public async Task<InvoiceRecord> TrackAsync(InvoiceDirection direction, InvoicePurpose purpose, Sats amountSat, MoneyState state, string? owner)
    {
        if (record.RecordExists) return record.State;
        var now = TimeProvider.GetUtcNow();
        record.State = new InvoiceRecord(PaymentHash.FromHex(GetPrimaryKeyString()), direction, purpose, amountSat, state, owner, Sats.Zero, now, now);
        await record.WriteStateAsync();
        return record.State;
    }

    /// <inheritdoc/>
    public async Task<InvoiceRecord> RecordAsync(MoneyState state, Sats amountSat, Sats feeSat = default)
    {
        if (!record.RecordExists) throw new InvalidOperationException($"Invoice {GetPrimaryKeyString()} is not tracked.");
        var current = record.State;
        if (current.CanMoveTo(state))
        {
            var before = current;
            current = current with { State = state, AmountSat = amountSat, FeeSat = feeSat, UpdatedAt = TimeProvider.GetUtcNow() };
            record.State = current;
            await record.WriteStateAsync();
            MoneyMetrics.Moved(before, current);
        }
        if (current.State is MoneyState.Settled or MoneyState.Paid)
            await GrainFactory.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).PostAsync(LedgerEntry.From(current));
        return current;
    }
}
