using Xunit;
using static L402Train.Lightning.Tests.Simnet.SimnetFixture;

namespace L402Train.Lightning.Tests.Simnet;

public sealed class HoldInvoiceTests
{
    [Fact]
    public async Task Hold_invoice_goes_open_accepted_settled_and_the_payer_gets_the_preimage()
    {
        var (network, _) = Create();
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(100_000));
        var coordinator = network.Coordinator;
        var total = network.TotalFunds;
        var preimage = Preimage.Random();

        var invoice = await coordinator.CreateHoldInvoiceAsync(Hold(preimage, 1_000));
        Assert.Equal(InvoiceState.Open, invoice.State);
        Assert.True(invoice.IsHold);
        Assert.Null(invoice.Preimage);
        Assert.StartsWith("lnbcrt10u1", invoice.PaymentRequest);

        var (first, rest) = await StartAsync(alice, Pay(invoice));
        Assert.Equal(PaymentStatus.InFlight, first.Status);
        var accepted = await coordinator.LookupInvoiceAsync(preimage.Hash);
        Assert.Equal(InvoiceState.Accepted, accepted!.State);
        Assert.Equal(new Sats(1_000).ToMilliSats(), accepted.AmountPaid);
        var aliceBalance = await alice.GetBalanceAsync();
        Assert.Equal(new Sats(99_000).ToMilliSats(), aliceBalance.Local);
        Assert.Equal(new Sats(1_000).ToMilliSats(), aliceBalance.PendingOutgoing);
        Assert.Equal(new Sats(1_000).ToMilliSats(), (await coordinator.GetBalanceAsync()).PendingIncoming);

        await coordinator.SettleInvoiceAsync(preimage);
        var final = await FinalAsync(rest);
        Assert.Equal(PaymentStatus.Succeeded, final.Status);
        Assert.Equal(preimage, final.Preimage);
        Assert.True(final.Hash.Matches(final.Preimage!.Value));
        var settled = await coordinator.LookupInvoiceAsync(preimage.Hash);
        Assert.Equal(InvoiceState.Settled, settled!.State);
        Assert.Equal(preimage, settled.Preimage);
        Assert.Equal(new Sats(99_000).ToMilliSats(), (await alice.GetBalanceAsync()).Local);
        Assert.Equal(MilliSats.Zero, (await alice.GetBalanceAsync()).PendingOutgoing);
        Assert.Equal(total, network.TotalFunds);

        await coordinator.SettleInvoiceAsync(preimage); // idempotent
        var error = await Assert.ThrowsAsync<InvoiceStateException>(() => coordinator.CancelInvoiceAsync(preimage.Hash));
        Assert.Contains("already settled", error.Message);
        Assert.Equal(PaymentStatus.Succeeded, (await alice.LookupPaymentAsync(preimage.Hash))!.Status);
    }

    [Fact]
    public async Task Cancelling_an_accepted_hold_invoice_returns_the_funds_and_settle_after_cancel_fails()
    {
        var (network, _) = Create();
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(50_000));
        var coordinator = network.Coordinator;
        var preimage = Preimage.Random();
        var invoice = await coordinator.CreateHoldInvoiceAsync(Hold(preimage, 2_500));

        var (_, rest) = await StartAsync(alice, Pay(invoice));
        await coordinator.CancelInvoiceAsync(preimage.Hash);
        var final = await FinalAsync(rest);
        Assert.Equal(PaymentStatus.Failed, final.Status);
        Assert.Equal(PaymentFailureReason.Canceled, final.FailureReason);
        Assert.Null(final.Preimage);
        Assert.Equal(new Sats(50_000).ToMilliSats(), (await alice.GetBalanceAsync()).Local);
        Assert.Equal(MilliSats.Zero, (await alice.GetBalanceAsync()).PendingOutgoing);

        await coordinator.CancelInvoiceAsync(preimage.Hash); // idempotent
        var error = await Assert.ThrowsAsync<InvoiceStateException>(() => coordinator.SettleInvoiceAsync(preimage));
        Assert.Equal("invoice already canceled", error.Message);
        Assert.Equal(InvoiceState.Canceled, (await coordinator.LookupInvoiceAsync(preimage.Hash))!.State);
    }

    [Fact]
    public async Task Settling_an_open_or_unknown_invoice_fails_clearly()
    {
        var (network, _) = Create();
        using var _network = network;
        var preimage = Preimage.Random();
        await network.Coordinator.CreateHoldInvoiceAsync(Hold(preimage, 10));
        var open = await Assert.ThrowsAsync<InvoiceStateException>(() => network.Coordinator.SettleInvoiceAsync(preimage));
        Assert.Equal("invoice still open", open.Message);
        await Assert.ThrowsAsync<InvoiceNotFoundException>(() => network.Coordinator.SettleInvoiceAsync(Preimage.Random()));
        await Assert.ThrowsAsync<InvoiceNotFoundException>(() => network.Coordinator.CancelInvoiceAsync(Preimage.Random().Hash));
        Assert.Null(await network.Coordinator.LookupInvoiceAsync(Preimage.Random().Hash));
    }

    [Fact]
    public async Task Held_htlc_near_expiry_is_cancelled_under_the_fake_clock_and_the_payer_gets_the_funds_back()
    {
        var (network, clock) = Create();
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(10_000));
        var coordinator = network.Coordinator;
        var preimage = Preimage.Random();
        // CLTV 80 blocks, cancelled 18 blocks before expiry: after 62 blocks (620 minutes).
        var invoice = await coordinator.CreateHoldInvoiceAsync(Hold(preimage, 1_000, TimeSpan.FromMinutes(10)));
        var updates = coordinator.SubscribeInvoiceAsync(preimage.Hash).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());
        var states = new List<InvoiceState> { updates.Current.State };
        var subscription = Task.Run(async () =>
        {
            while (await updates.MoveNextAsync()) states.Add(updates.Current.State);
        });

        var (_, rest) = await StartAsync(alice, Pay(invoice));
        clock.Advance(TimeSpan.FromMinutes(600)); // past the invoice expiry, before the HTLC deadline
        Assert.Equal(InvoiceState.Accepted, (await coordinator.LookupInvoiceAsync(preimage.Hash))!.State);
        Assert.Equal(new Sats(1_000).ToMilliSats(), (await alice.GetBalanceAsync()).PendingOutgoing);

        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(InvoiceState.Canceled, (await coordinator.LookupInvoiceAsync(preimage.Hash))!.State);
        var final = await FinalAsync(rest);
        Assert.Equal(PaymentStatus.Failed, final.Status);
        Assert.Equal(new Sats(10_000).ToMilliSats(), (await alice.GetBalanceAsync()).Local);
        await subscription.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([InvoiceState.Open, InvoiceState.Accepted, InvoiceState.Canceled], states);
    }

    [Fact]
    public async Task Open_invoice_is_cancelled_at_expiry_and_cannot_be_paid_afterwards()
    {
        var (network, clock) = Create();
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(10_000));
        var invoice = await network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(5).ToMilliSats(), "fee", TimeSpan.FromMinutes(5)));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(InvoiceState.Canceled, (await network.Coordinator.LookupInvoiceAsync(invoice.Hash))!.State);
        var error = await Assert.ThrowsAsync<PaymentRejectedException>(() => alice.PayAsync(Pay(invoice)));
        Assert.StartsWith("invoice expired", error.Message);
    }

    [Fact]
    public async Task Hold_invoice_with_cltv_inside_the_hold_delta_is_refused()
    {
        var (network, _) = Create();
        using var _network = network;
        var request = Hold(Preimage.Random(), 1) with { CltvExpiry = 18 };
        await Assert.ThrowsAsync<LightningException>(() => network.Coordinator.CreateHoldInvoiceAsync(request));
    }
}
