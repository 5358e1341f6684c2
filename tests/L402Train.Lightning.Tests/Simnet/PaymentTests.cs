using L402Train.Lightning.Simnet;
using Xunit;
using static L402Train.Lightning.Tests.Simnet.SimnetFixture;

namespace L402Train.Lightning.Tests.Simnet;

public sealed class PaymentTests
{
    private static CreateInvoiceRequest Plain(long sats, string memo = "reward") =>
        new(new Sats(sats).ToMilliSats(), memo, TimeSpan.FromHours(1));

    [Fact]
    public async Task Payment_between_two_peers_routes_through_the_coordinator_and_pays_its_fee()
    {
        var (network, _) = Create(new SimnetOptions { FeeBaseMsat = 1_000, FeeProportionalMillionths = 1_000 });
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(100_000));
        var bob = network.CreateFundedNode("bob", new Sats(100_000));
        var total = network.TotalFunds;
        var invoice = await bob.CreateInvoiceAsync(Plain(10_000));

        var tooCheap = await alice.PayAsync(Pay(invoice, maxFeeMsat: 5_000));
        Assert.Equal(PaymentStatus.Failed, tooCheap.Status);
        Assert.Equal(PaymentFailureReason.NoRoute, tooCheap.FailureReason);

        var payment = await alice.PayAsync(Pay(invoice, maxFeeMsat: 20_000));
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Equal(new MilliSats(11_000), payment.Fee); // 1 sat base + 1000 ppm of 10,000 sat
        Assert.Equal(invoice.Preimage, payment.Preimage);
        Assert.Equal(new MilliSats(100_000_000 - 10_011_000), (await alice.GetBalanceAsync()).Local);
        Assert.Equal(new MilliSats(110_000_000), (await bob.GetBalanceAsync()).Local);
        Assert.Equal(new MilliSats(200_000_000 + 11_000), (await network.Coordinator.GetBalanceAsync()).Local);
        Assert.Equal(total, network.TotalFunds);
        Assert.Equal(InvoiceState.Settled, (await bob.LookupInvoiceAsync(invoice.Hash))!.State);
    }

    [Fact]
    public async Task Coordinator_pays_a_peer_reward_over_the_peer_channel()
    {
        var (network, _) = Create();
        using var _network = network;
        var peer = network.CreateFundedNode("peer", new Sats(1_000));
        var invoice = await peer.CreateInvoiceAsync(Plain(700));
        var payment = await network.Coordinator.PayAsync(Pay(invoice));
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Equal(MilliSats.Zero, payment.Fee);
        Assert.Equal(new Sats(1_700).ToMilliSats(), (await peer.GetBalanceAsync()).Local);
    }

    [Fact]
    public async Task Unreachable_payee_fails_with_no_route()
    {
        var (network, _) = Create();
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(10_000));
        var island = network.CreateNode("island");
        var invoice = await island.CreateInvoiceAsync(Plain(10));
        var payment = await alice.PayAsync(Pay(invoice));
        Assert.Equal(PaymentStatus.Failed, payment.Status);
        Assert.Equal(PaymentFailureReason.NoRoute, payment.FailureReason);
        Assert.Equal(new Sats(10_000).ToMilliSats(), (await alice.GetBalanceAsync()).Local);
    }

    [Fact]
    public async Task Paying_more_than_the_local_balance_fails_with_insufficient_balance()
    {
        var (network, _) = Create();
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(1_000));
        var invoice = await network.Coordinator.CreateInvoiceAsync(Plain(1_001));
        var payment = await alice.PayAsync(Pay(invoice));
        Assert.Equal(PaymentFailureReason.InsufficientBalance, payment.FailureReason);
        Assert.Equal(new Sats(1_000).ToMilliSats(), (await alice.GetBalanceAsync()).Local);
    }

    [Fact]
    public async Task Paying_twice_is_refused_and_a_second_payer_is_refused_by_the_payee()
    {
        var (network, _) = Create();
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(10_000));
        var bob = network.CreateFundedNode("bob", new Sats(10_000));
        var invoice = await network.Coordinator.CreateInvoiceAsync(Plain(100));
        Assert.Equal(PaymentStatus.Succeeded, (await alice.PayAsync(Pay(invoice))).Status);
        var again = await Assert.ThrowsAsync<PaymentRejectedException>(() => alice.PayAsync(Pay(invoice)));
        Assert.Equal("invoice is already paid", again.Message);
        var second = await bob.PayAsync(Pay(invoice));
        Assert.Equal(PaymentFailureReason.IncorrectPaymentDetails, second.FailureReason);
        Assert.Equal(new Sats(10_000).ToMilliSats(), (await bob.GetBalanceAsync()).Local);
    }

    [Fact]
    public async Task Amountless_invoice_needs_an_explicit_amount_and_fixed_invoice_refuses_one()
    {
        var (network, _) = Create();
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(10_000));
        var open = await network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(null, "tip", TimeSpan.FromHours(1)));
        Assert.Null(open.Amount);
        await Assert.ThrowsAsync<PaymentRejectedException>(() => alice.PayAsync(Pay(open)));
        var paid = await alice.PayAsync(Pay(open, amount: new MilliSats(123_000)));
        Assert.Equal(PaymentStatus.Succeeded, paid.Status);
        Assert.Equal(new MilliSats(123_000), (await network.Coordinator.LookupInvoiceAsync(open.Hash))!.AmountPaid);

        var fixedInvoice = await network.Coordinator.CreateInvoiceAsync(Plain(5));
        await Assert.ThrowsAsync<PaymentRejectedException>(() => alice.PayAsync(Pay(fixedInvoice, amount: new MilliSats(5_000))));
        await Assert.ThrowsAsync<PaymentRejectedException>(() => alice.PayAsync(new PaymentRequest("lnbc1garbage", MilliSats.Zero, TimeSpan.FromSeconds(1))));
        await Assert.ThrowsAsync<PaymentRejectedException>(() => network.Coordinator.PayAsync(Pay(fixedInvoice)));
    }

    [Fact]
    public async Task A_channel_direction_carries_at_most_483_pending_htlcs()
    {
        var (network, _) = Create();
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(1_000_000));
        var coordinator = network.Coordinator;
        for (var i = 0; i < 483; i++)
        {
            var held = await coordinator.CreateHoldInvoiceAsync(Hold(Preimage.Random(), 1));
            var (first, stream) = await StartAsync(alice, Pay(held));
            Assert.Equal(PaymentStatus.InFlight, first.Status);
            await stream.DisposeAsync();
        }
        Assert.Equal(483, alice.ListChannels().Single().PendingOutgoingHtlcs);
        var oneMore = await coordinator.CreateHoldInvoiceAsync(Hold(Preimage.Random(), 1));
        var refused = await alice.PayAsync(Pay(oneMore));
        Assert.Equal(PaymentFailureReason.NoRoute, refused.FailureReason);

        // The other direction is a separate budget: the coordinator can still pay alice.
        var reward = await alice.CreateInvoiceAsync(Plain(10));
        Assert.Equal(PaymentStatus.Succeeded, (await coordinator.PayAsync(Pay(reward))).Status);
    }

    [Fact]
    public async Task Decode_reports_the_payee_and_fields_of_a_simnet_invoice()
    {
        var (network, _) = Create();
        using var _network = network;
        var alice = network.CreateFundedNode("alice", new Sats(1_000));
        var invoice = await alice.CreateInvoiceAsync(Plain(21, "twenty-one"));
        var details = await network.Coordinator.DecodeAsync(invoice.PaymentRequest);
        Assert.Equal(alice.Id, details.Destination);
        Assert.Equal(invoice.Hash, details.Hash);
        Assert.Equal(new Sats(21).ToMilliSats(), details.Amount);
        Assert.Equal("twenty-one", details.Description);
        Assert.Equal("bcrt", details.Network);
        Assert.Equal(80, details.MinFinalCltvExpiry);
        await Assert.ThrowsAsync<LightningException>(() => alice.DecodeAsync("lnbcrt1notaninvoice"));
        var info = await alice.GetInfoAsync();
        Assert.Equal("alice", info.Alias);
        Assert.Equal(100, info.BlockHeight);
    }
}

public sealed class FallbackEngineTests
{
    [Fact]
    public async Task Simnet_runs_a_hold_lifecycle_on_the_BouncyCastle_engine_and_native_readers_agree()
    {
        var (network, _) = Create(new SimnetOptions { Engine = L402Train.Lightning.Secp256k1.Secp256k1Engine.BouncyCastle });
        using var _network = network;
        Assert.Equal("BouncyCastle", network.Engine.Name);
        var alice = network.CreateFundedNode("alice", new Sats(10_000));
        var preimage = Preimage.Random();
        var invoice = await network.Coordinator.CreateHoldInvoiceAsync(Hold(preimage, 100));
        Assert.Equal(network.Coordinator.Id, L402Train.Lightning.Bolt11.Bolt11Invoice.Decode(invoice.PaymentRequest).Payee);
        var (first, stream) = await StartAsync(alice, Pay(invoice));
        Assert.Equal(PaymentStatus.InFlight, first.Status);
        await network.Coordinator.SettleInvoiceAsync(preimage);
        Assert.Equal(PaymentStatus.Succeeded, (await FinalAsync(stream)).Status);
    }
}
