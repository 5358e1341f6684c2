using L402Train.Lightning.Simnet;
using L402Train.Testing;
using Xunit;
using static L402Train.Lightning.Tests.Simnet.SimnetFixture;

namespace L402Train.Lightning.Tests.Simnet;

public sealed class MemorySimnetStoreTests
{
    [Fact]
    public async Task A_network_reopened_over_the_same_memory_store_keeps_its_channels_and_invoices()
    {
        var store = new MemorySimnetStore();
        var clock = new FakeTimeProvider();
        PaymentHash paid;
        using (var network = new SimnetNetwork(new SimnetOptions { Store = store }, clock))
        {
            var alice = network.CreateFundedNode("alice", new Sats(10_000));
            var invoice = await network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(700).ToMilliSats(), "fee", TimeSpan.FromHours(1)));
            Assert.Equal(PaymentStatus.Succeeded, (await alice.PayAsync(Pay(invoice))).Status);
            paid = invoice.Hash;
        }

        using var reopened = new SimnetNetwork(new SimnetOptions { Store = store }, clock);
        Assert.Equal(new Sats(9_300).ToMilliSats(), (await reopened.GetNode("alice").GetBalanceAsync()).Local);
        Assert.Equal(InvoiceState.Settled, (await reopened.Coordinator.LookupInvoiceAsync(paid))!.State);
    }

    [Fact]
    public void Writes_apply_puts_and_deletes_and_loads_come_back_ordered_by_key()
    {
        using var store = new MemorySimnetStore();
        store.Write([new("node", "b", "{\"n\":2}"), new("node", "a", "{\"n\":1}"), new("channel", "1", "{}")]);
        store.Write([new("channel", "1", null)]);
        Assert.Equal(["{\"n\":1}", "{\"n\":2}"], store.Load("node"));
        Assert.Empty(store.Load("channel"));
    }
}
