using L402Train.Lightning.Simnet;
using Xunit;
using static L402Train.Lightning.Tests.Simnet.SimnetFixture;

namespace L402Train.Lightning.Tests.Simnet;

public sealed class InvoiceListingTests
{
    private static async Task<List<Invoice>> CreateAsync(ILightningNode node, int count)
    {
        var created = new List<Invoice>();
        for (var i = 0; i < count; i++)
            created.Add(await node.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(10 + i).ToMilliSats(), $"n{i}", TimeSpan.FromMinutes(10))));
        return created;
    }

    [Fact]
    public async Task Pages_forward_from_an_exclusive_index_offset_oldest_first_and_end_with_an_empty_page()
    {
        var (network, _) = Create();
        using var _ = network;
        var created = await CreateAsync(network.Coordinator, 5);
        // Another node's invoices take indexes of the same counter but never show up in this node's list.
        network.CreateFundedNode("alice", new Sats(1_000));
        await network.GetNode("alice").CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(1).ToMilliSats(), "other", TimeSpan.FromMinutes(10)));

        var first = await network.Coordinator.ListInvoicesAsync(new InvoiceQuery(0, 2));
        var second = await network.Coordinator.ListInvoicesAsync(new InvoiceQuery(first.LastIndexOffset, 2));
        var third = await network.Coordinator.ListInvoicesAsync(new InvoiceQuery(second.LastIndexOffset, 2));
        var end = await network.Coordinator.ListInvoicesAsync(new InvoiceQuery(third.LastIndexOffset, 2));

        Assert.Equal(created.Select(i => i.Hash), first.Invoices.Concat(second.Invoices).Concat(third.Invoices).Select(i => i.Hash));
        Assert.Equal((created[0].AddIndex, created[1].AddIndex), (first.FirstIndexOffset, first.LastIndexOffset));
        Assert.All(created, i => Assert.True(i.AddIndex > 0));
        Assert.Single(third.Invoices);
        Assert.Equal((0, 0L, 0L), (end.Invoices.Count, end.FirstIndexOffset, end.LastIndexOffset));
    }

    [Fact]
    public async Task Reversed_pages_back_from_the_offset_and_returns_the_page_oldest_first()
    {
        var (network, _) = Create();
        using var _ = network;
        var created = await CreateAsync(network.Coordinator, 5);

        var newest = await network.Coordinator.ListInvoicesAsync(new InvoiceQuery(0, 2, Reversed: true));
        var before = await network.Coordinator.ListInvoicesAsync(new InvoiceQuery(newest.FirstIndexOffset, 2, Reversed: true));

        Assert.Equal(created[3..].Select(i => i.Hash), newest.Invoices.Select(i => i.Hash));
        Assert.Equal(created[1..3].Select(i => i.Hash), before.Invoices.Select(i => i.Hash));
    }

    [Fact]
    public async Task Pending_only_leaves_out_settled_and_cancelled_invoices_and_states_are_current()
    {
        var (network, _) = Create();
        using var _ = network;
        var alice = network.CreateFundedNode("alice", new Sats(10_000));
        var created = await CreateAsync(network.Coordinator, 3);
        await alice.PayAsync(Pay(created[0]));
        await network.Coordinator.CancelInvoiceAsync(created[1].Hash);

        var all = await network.Coordinator.ListInvoicesAsync(new InvoiceQuery());
        var pending = await network.Coordinator.ListInvoicesAsync(new InvoiceQuery(PendingOnly: true));

        Assert.Equal([InvoiceState.Settled, InvoiceState.Canceled, InvoiceState.Open], all.Invoices.Select(i => i.State));
        Assert.Equal([created[2].Hash], pending.Invoices.Select(i => i.Hash));
    }

    [Fact]
    public async Task The_add_index_order_survives_a_restart_and_new_invoices_follow_it()
    {
        var store = new MemorySimnetStore();
        var clock = new L402Train.Testing.FakeTimeProvider();
        List<Invoice> before;
        using (var network = new SimnetNetwork(new SimnetOptions { Store = store }, clock)) before = await CreateAsync(network.Coordinator, 3);
        using var reopened = new SimnetNetwork(new SimnetOptions { Store = store }, clock);
        var after = await CreateAsync(reopened.Coordinator, 1);

        var page = await reopened.Coordinator.ListInvoicesAsync(new InvoiceQuery(before[0].AddIndex));

        Assert.Equal(before[1..].Concat(after).Select(i => i.Hash), page.Invoices.Select(i => i.Hash));
    }
}
