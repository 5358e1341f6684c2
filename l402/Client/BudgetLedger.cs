using L402Train.Lightning;

namespace L402Train.L402.Client;

/// <summary>
/// Tracks what the client spent against an <see cref="L402Budget"/>. A payment first reserves
/// its worst case (price + fee limit) so concurrent requests cannot overshoot together; the
/// reservation is then committed at the actual cost or released when the payment failed.
/// </summary>
public sealed class BudgetLedger(L402Budget budget, TimeProvider time)
{
    private readonly object gate = new();
    private readonly List<Entry> entries = [];

    /// <summary>The limits.</summary>
    public L402Budget Budget { get; } = budget ?? throw new ArgumentNullException(nameof(budget));

    /// <summary>Everything spent or reserved so far.</summary>
    public MilliSats Spent
    {
        get { lock (gate) { return new MilliSats(entries.Sum(e => e.Amount.Value)); } }
    }

    /// <summary>Reserves <paramref name="amount"/> for <paramref name="host"/>; null with the reason when a limit would be exceeded.</summary>
    public BudgetReservation? TryReserve(string host, MilliSats amount, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(host);
        var now = time.GetUtcNow();
        lock (gate)
        {
            refusal =
                Exceeds(Budget.PerRequest, amount.Value, "per-request")
                ?? Exceeds(Budget.PerHost, Sum(e => e.Host == host) + amount.Value, $"per-host ({host})")
                ?? Exceeds(Budget.PerHour, Sum(e => e.At > now - TimeSpan.FromHours(1)) + amount.Value, "hourly")
                ?? Exceeds(Budget.PerDay, Sum(e => e.At > now - TimeSpan.FromDays(1)) + amount.Value, "daily")
                ?? Exceeds(Budget.Total, Sum(_ => true) + amount.Value, "total");
            if (refusal is not null) return null;
            var entry = new Entry(host, now, amount);
            entries.Add(entry);
            return new BudgetReservation(this, entry);
        }
    }

    private long Sum(Func<Entry, bool> filter) => entries.Where(filter).Sum(e => e.Amount.Value);

    private static string? Exceeds(Sats? limit, long msat, string name) =>
        limit is { } l && msat > l.ToMilliSats().Value
            ? $"The {name} budget of {l.Value} sat would be exceeded ({msat / 1000.0:0.###} sat)."
            : null;

    internal void Settle(Entry entry, MilliSats? actual)
    {
        lock (gate)
        {
            entries.Remove(entry);
            if (actual is { } a) entries.Add(entry with { Amount = a });
        }
    }

    internal sealed record Entry(string Host, DateTimeOffset At, MilliSats Amount);
}

/// <summary>A reserved worst case; commit it at the actual cost, or release it.</summary>
public sealed class BudgetReservation
{
    private readonly BudgetLedger ledger;
    private readonly BudgetLedger.Entry entry;
    private int done;

    internal BudgetReservation(BudgetLedger ledger, BudgetLedger.Entry entry)
    {
        this.ledger = ledger;
        this.entry = entry;
    }

    /// <summary>Replaces the reservation by what the payment actually cost.</summary>
    public void Commit(MilliSats actual)
    {
        if (Interlocked.Exchange(ref done, 1) == 0) ledger.Settle(entry, actual);
    }

    /// <summary>Returns the reservation (the payment failed or was refunded).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref done, 1) == 0) ledger.Settle(entry, null);
    }
}
