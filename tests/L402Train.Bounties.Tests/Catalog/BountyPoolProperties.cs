using L402Train.Lightning;
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
            var pool = new BountyPool(new Sats(total));
            foreach (var (earned, paid) in grants)
            {
                var (next, reward, fee) = pool.Grant(new Sats(earned), feePct);
                if (reward > pool.RemainingSat || reward > new Sats(earned) || fee > reward) return false;
                pool = paid ? next.Paid(reward - fee) : next;
            }
            pool = pool.RefundRemaining();
            // Sats are never negative (a step below zero throws), so exactness is the whole property.
            return pool.RemainingSat == Sats.Zero
                && pool.TotalSat == pool.PaidSat + pool.OwedSat + pool.FeesSat + pool.RefundedSat;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Holdbacks_released_paid_or_forfeited_keep_the_pool_exact_to_the_sat()
    {
        // Each grant: earned, holdback percent, and what becomes of its holdback (0 stays held, 1 released and paid, 2 forfeited).
        var step = Gen.Choose(0, 30_000).SelectMany(earned => Gen.Choose(0, 100).SelectMany(pct => Gen.Choose(0, 2).Select(fate => (earned, pct, fate))));
        var steps = Gen.ListOf(step).Select(l => l.ToArray());
        Prop.ForAll(Gen.Choose(1, 100_000).ToArbitrary(), steps.ToArbitrary(), Gen.Choose(0, 100).ToArbitrary(), (total, grants, feePct) =>
        {
            var pool = new BountyPool(new Sats(total));
            foreach (var (earned, holdbackPct, fate) in grants)
            {
                var before = pool.RemainingSat;
                var (next, reward, fee, held) = pool.Grant(new Sats(earned), feePct, holdbackPct);
                if (reward > before || held > reward - fee || next.RemainingSat != before - reward) return false;
                pool = next.Paid(reward - fee - held);
                pool = fate switch
                {
                    1 => pool.ReleaseHoldback(held).Paid(held),
                    2 => pool.ForfeitHoldback(held),
                    _ => pool,
                };
            }
            pool = pool.RefundRemaining();
            return pool.RemainingSat == Sats.Zero && pool.OwedSat == Sats.Zero
                && pool.TotalSat == pool.PaidSat + pool.OwedSat + pool.FeesSat + pool.RefundedSat + pool.HeldSat;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_fee_is_floored_so_the_agent_keeps_the_rounding()
    {
        var (_, reward, fee) = new BountyPool(new Sats(10_000)).Grant(new Sats(1_999), 5);

        Assert.Equal(new Sats(1_999), reward);
        Assert.Equal(new Sats(99), fee);
    }
}
