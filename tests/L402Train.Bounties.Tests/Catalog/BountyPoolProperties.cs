using FsCheck;
using FsCheck.Fluent;
using L402Train.Grains.Bounties.Catalog;
using Xunit;

namespace L402Train.Bounties.Tests.Catalog;

public sealed class BountyPoolProperties
{
    [Fact]
    public void Grants_payouts_and_a_refund_keep_the_pool_exact_to_the_sat()
    {
        var steps = Gen.ListOf(Gen.Choose(0, 30_000).Zip(Gen.Elements(true, false))).Select(l => l.ToArray());
        Prop.ForAll(Gen.Choose(1, 100_000).ToArbitrary(), steps.ToArbitrary(), Gen.Choose(0, 100).ToArbitrary(), (total, grants, feePct) =>
        {
            var pool = new BountyPool(total);
            foreach (var (earned, paid) in grants)
            {
                var (next, reward, fee) = pool.Grant(earned, feePct);
                if (reward > pool.RemainingSat || reward > earned || fee > reward || fee < 0) return false;
                pool = paid ? next.Paid(reward - fee) : next;
            }
            pool = pool.RefundRemaining();
            return pool.RemainingSat == 0
                && pool.TotalSat == pool.PaidSat + pool.OwedSat + pool.FeesSat + pool.RefundedSat
                && pool.PaidSat >= 0 && pool.OwedSat >= 0 && pool.RefundedSat >= 0;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_fee_is_floored_so_the_agent_keeps_the_rounding()
    {
        var (_, reward, fee) = new BountyPool(10_000).Grant(1_999, 5);

        Assert.Equal(1_999, reward);
        Assert.Equal(99, fee);
    }
}
