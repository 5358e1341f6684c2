using L402Train.Lightning.Simnet;
using L402Train.Runtime.Simnet;
using L402Train.Testing;
using Xunit;
using static L402Train.Lightning.Tests.Simnet.SimnetFixture;

namespace L402Train.Lightning.Tests.Simnet;

public sealed class DurabilityTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("simnet-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    // Each network owns (and disposes) its store: a restart opens the file afresh.
    private static SimnetOptions Durable(string path) => new() { Store = new SqliteSimnetStore(path) };

    [Fact]
    public async Task Network_state_survives_a_restart_and_held_payments_settle_afterwards()
    {
        var path = Path.Combine(directory, "simnet.db");
        var clock = new FakeTimeProvider();
        var preimage = Preimage.Random();
        NodeId aliceId;
        string macaroon;
        using (var network = new SimnetNetwork(Durable(path), clock))
        {
            var alice = network.CreateFundedNode("alice", new Sats(40_000));
            aliceId = alice.Id;
            macaroon = alice.MacaroonHex;
            var plain = await network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(1_000).ToMilliSats(), "fee", TimeSpan.FromHours(1)));
            Assert.Equal(PaymentStatus.Succeeded, (await alice.PayAsync(Pay(plain))).Status);
            var held = await network.Coordinator.CreateHoldInvoiceAsync(Hold(preimage, 2_000));
            var (first, stream) = await StartAsync(alice, Pay(held));
            Assert.Equal(PaymentStatus.InFlight, first.Status);
            await stream.DisposeAsync();
        }

        using (var reopened = new SimnetNetwork(Durable(path), clock))
        {
            var alice = reopened.GetNode("alice");
            Assert.Equal(aliceId, alice.Id);
            Assert.Equal(macaroon, alice.MacaroonHex);
            var balance = await alice.GetBalanceAsync();
            Assert.Equal(new Sats(37_000).ToMilliSats(), balance.Local);
            Assert.Equal(new Sats(2_000).ToMilliSats(), balance.PendingOutgoing);
            Assert.Equal(InvoiceState.Accepted, (await reopened.Coordinator.LookupInvoiceAsync(preimage.Hash))!.State);
            Assert.Equal(PaymentStatus.InFlight, (await alice.LookupPaymentAsync(preimage.Hash))!.Status);

            await reopened.Coordinator.SettleInvoiceAsync(preimage);
            var payment = await alice.LookupPaymentAsync(preimage.Hash);
            Assert.Equal(PaymentStatus.Succeeded, payment!.Status);
            Assert.Equal(preimage, payment.Preimage);
            Assert.Equal(new Sats(43_000).ToMilliSats(), (await reopened.Coordinator.GetBalanceAsync()).Local);
        }

        using var third = new SimnetNetwork(Durable(path), clock);
        Assert.Equal(InvoiceState.Settled, (await third.Coordinator.LookupInvoiceAsync(preimage.Hash))!.State);
        Assert.Equal(new MilliSats(80_000_000), third.TotalFunds);
    }

    [Fact]
    public async Task Hold_expiry_deadlines_are_rebuilt_after_a_restart()
    {
        var path = Path.Combine(directory, "expiry.db");
        var clock = new FakeTimeProvider();
        var preimage = Preimage.Random();
        using (var network = new SimnetNetwork(Durable(path), clock))
        {
            var alice = network.CreateFundedNode("alice", new Sats(5_000));
            var held = await network.Coordinator.CreateHoldInvoiceAsync(Hold(preimage, 500));
            var (_, stream) = await StartAsync(alice, Pay(held));
            await stream.DisposeAsync();
        }
        using var reopened = new SimnetNetwork(Durable(path), clock);
        clock.Advance(TimeSpan.FromHours(11));
        Assert.Equal(InvoiceState.Canceled, (await reopened.Coordinator.LookupInvoiceAsync(preimage.Hash))!.State);
        var alice2 = reopened.GetNode("alice");
        Assert.Equal(PaymentStatus.Failed, (await alice2.LookupPaymentAsync(preimage.Hash))!.Status);
        Assert.Equal(new Sats(5_000).ToMilliSats(), (await alice2.GetBalanceAsync()).Local);
    }
}
