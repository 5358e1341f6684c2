using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Shipped;
using L402Train.Runtime;
using Xunit;

namespace L402Train.Bounties.Tests.Flow;

public sealed class UnfundedBountyRetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_bounty_whose_funding_expired_unpaid_is_forgotten_after_the_retention_and_a_funded_one_stays()
    {
        await using var h = await BountyHarness.StartAsync(rules: new BountyRules { FundingInvoiceExpiry = TimeSpan.FromMinutes(2) });
        var funded = await h.PostAndFundAsync(h.Terms());
        var unfunded = await new BountyPublisher(h.Grains, h.Blobs, h.Network.Coordinator, h.Rules)
            .PublishAsync(h.Terms(), ShippedBounty.BaselineArchive(h.Shipped), ShippedBounty.HeldOutArchive(h.Shipped), Ct);
        h.Clock.Advance(TimeSpan.FromMinutes(3));
        await h.WaitUntilAsync(async () => (await h.Bounty(unfunded.Id).GetAsync()).Status == BountyStatus.Closed, "the unfunded bounty to close");
        var closedAt = (await h.Bounty(unfunded.Id).GetAsync()).ClosedAt!.Value;
        var store = h.Cluster.Store;
        var sweep = new UnfundedBountySweep(store);

        Assert.Equal(0, await sweep.SweepAsync(h.Grains, closedAt, Ct));
        Assert.Contains(unfunded.Id, await h.Grains.GetGrain<IBountyIndexGrain>(BountyIndexGrain.AllKey).ListAsync());

        Assert.Equal(2, await sweep.SweepAsync(h.Grains, closedAt.AddTicks(1), Ct));

        Assert.Equal([funded], await h.Grains.GetGrain<IBountyIndexGrain>(BountyIndexGrain.AllKey).ListAsync());
        Assert.Null(await store.ReadStateAsync(new GrainStateId("bounty", unfunded.Id, "bounty"), Ct));
        Assert.Null(await store.ReadStateAsync(new GrainStateId("invoice", unfunded.FundingPaymentHash.ToHex(), "invoice"), Ct));
        Assert.NotNull(await store.ReadStateAsync(new GrainStateId("bounty", funded, "bounty"), Ct));
        Assert.Equal(0, await sweep.SweepAsync(h.Grains, closedAt.AddDays(1), Ct));
    }
}
