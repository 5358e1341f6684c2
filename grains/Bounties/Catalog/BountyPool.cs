namespace L402Train.Grains.Bounties.Catalog;

/// <summary>
/// A bounty's money, exact to the sat: <c>total = paid + owed + fees + refunded + held + remaining</c>.
/// A reward R granted on a merge moves R out of remaining: R − fee is owed to the agent (paid
/// through its claim), the fee is the coordinator's; a cancel refunds what remains to the sponsor.
/// </summary>
/// <param name="TotalSat">What the sponsor funded.</param>
/// <param name="PaidSat">Rewards paid to agents (net of fees).</param>
/// <param name="OwedSat">Rewards granted but not paid yet (net of fees).</param>
/// <param name="FeesSat">Coordinator fees kept from granted rewards.</param>
/// <param name="RefundedSat">Returned (or being returned) to the sponsor on cancel.</param>
/// <param name="HeldSat">Temporal holdbacks granted but not yet re-evaluated: released they become owed, forfeited they return to remaining.</param>
[GenerateSerializer, Immutable, Alias("l402.BountyPool")]
public sealed record BountyPool(long TotalSat, long PaidSat = 0, long OwedSat = 0, long FeesSat = 0, long RefundedSat = 0, long HeldSat = 0)
{
    /// <summary>What is left to grant.</summary>
    public long RemainingSat => TotalSat - PaidSat - OwedSat - FeesSat - RefundedSat - HeldSat;

    /// <summary>
    /// <see cref="Grant(long, decimal)"/> with <paramref name="holdbackPct"/> percent of the agent's share (reward − fee,
    /// floored) held back until the re-evaluation rather than owed at once.
    /// </summary>
    public (BountyPool Pool, long RewardSat, long FeeSat, long HoldbackSat) Grant(long earnedSat, decimal feePct, int holdbackPct)
    {
        var (pool, reward, fee) = Grant(earnedSat, feePct);
        var held = (long)Math.Floor((reward - fee) * Math.Clamp(holdbackPct, 0, 100) / 100m);
        return (pool with { OwedSat = pool.OwedSat - held, HeldSat = pool.HeldSat + held }, reward, fee, held);
    }

    /// <summary>A holdback held up: it becomes owed to the agent.</summary>
    public BountyPool ReleaseHoldback(long sat) => this with { HeldSat = HeldSat - sat, OwedSat = OwedSat + sat };

    /// <summary>A holdback did not hold up: it returns to what remains (later rewards, or the sponsor's refund).</summary>
    public BountyPool ForfeitHoldback(long sat) => this with { HeldSat = HeldSat - sat };

    /// <summary>
    /// Grants a reward of up to <paramref name="earnedSat"/>, capped by what remains; the fee is
    /// <paramref name="feePct"/> percent of the grant, floored (the agent keeps the rounding).
    /// </summary>
    public (BountyPool Pool, long RewardSat, long FeeSat) Grant(long earnedSat, decimal feePct)
    {
        var reward = Math.Clamp(earnedSat, 0, Math.Max(0, RemainingSat));
        var fee = (long)Math.Floor(reward * feePct / 100m);
        return (this with { OwedSat = OwedSat + reward - fee, FeesSat = FeesSat + fee }, reward, fee);
    }

    /// <summary>An owed reward was paid.</summary>
    public BountyPool Paid(long netSat) => this with { OwedSat = OwedSat - netSat, PaidSat = PaidSat + netSat };

    /// <summary>Everything that remains goes back to the sponsor.</summary>
    public BountyPool RefundRemaining() => this with { RefundedSat = RefundedSat + RemainingSat };
}
