using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Testing;
using Xunit;

namespace L402Train.L402.Tests.Client;

public sealed class BudgetLedgerTests
{
    private static MilliSats Sat(long s) => new Sats(s).ToMilliSats();

    [Fact]
    public void Refuses_a_payment_over_the_per_request_limit()
    {
        var ledger = new BudgetLedger(new L402Budget(new Sats(100)), new FakeTimeProvider());
        Assert.NotNull(ledger.TryReserve("a", Sat(100), out _));
        Assert.Null(ledger.TryReserve("a", Sat(101), out var why));
        Assert.Contains("per-request", why);
    }

    [Fact]
    public void Per_host_limit_counts_only_that_host()
    {
        var ledger = new BudgetLedger(new L402Budget(null, PerHost: new Sats(100)), new FakeTimeProvider());
        Assert.NotNull(ledger.TryReserve("a", Sat(60), out _));
        Assert.Null(ledger.TryReserve("a", Sat(60), out var why));
        Assert.Contains("per-host", why);
        Assert.NotNull(ledger.TryReserve("b", Sat(60), out _));
    }

    [Fact]
    public void Hourly_and_daily_windows_slide_with_the_clock()
    {
        var time = new FakeTimeProvider();
        var ledger = new BudgetLedger(new L402Budget(null, PerHour: new Sats(100), PerDay: new Sats(150)), time);
        ledger.TryReserve("a", Sat(100), out _)!.Commit(Sat(100));
        Assert.Null(ledger.TryReserve("a", Sat(1), out var why));
        Assert.Contains("hourly", why);
        time.Advance(TimeSpan.FromMinutes(61));
        Assert.NotNull(ledger.TryReserve("a", Sat(50), out _));
        Assert.Null(ledger.TryReserve("a", Sat(1), out why));
        Assert.Contains("daily", why);
        time.Advance(TimeSpan.FromHours(24));
        Assert.NotNull(ledger.TryReserve("a", Sat(100), out _));
    }

    [Fact]
    public void Total_limit_never_resets()
    {
        var time = new FakeTimeProvider();
        var ledger = new BudgetLedger(new L402Budget(null, Total: new Sats(100)), time);
        ledger.TryReserve("a", Sat(90), out _)!.Commit(Sat(90));
        time.Advance(TimeSpan.FromDays(400));
        Assert.Null(ledger.TryReserve("b", Sat(11), out var why));
        Assert.Contains("total", why);
    }

    [Fact]
    public void Released_reservations_return_their_amount_and_commits_replace_the_worst_case()
    {
        var ledger = new BudgetLedger(new L402Budget(null, Total: new Sats(100)), new FakeTimeProvider());
        var r = ledger.TryReserve("a", Sat(100), out _)!;
        Assert.Null(ledger.TryReserve("a", Sat(1), out _));
        r.Release();
        r.Commit(Sat(100)); // no effect after release
        Assert.Equal(MilliSats.Zero, ledger.Spent);
        ledger.TryReserve("a", Sat(100), out _)!.Commit(Sat(40));
        Assert.Equal(Sat(40), ledger.Spent);
        Assert.NotNull(ledger.TryReserve("a", Sat(60), out _));
    }

    [Fact]
    public async Task Concurrent_reservations_never_overshoot_the_total()
    {
        var ledger = new BudgetLedger(new L402Budget(null, Total: new Sats(1000)), new FakeTimeProvider());
        var granted = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(() => ledger.TryReserve("a", Sat(7), out _) is not null, TestContext.Current.CancellationToken)));
        Assert.Equal(1000 / 7, granted.Count(g => g));
    }
}
