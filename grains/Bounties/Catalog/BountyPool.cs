using L402Train.Lightning;

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
public sealed record BountyPool(Sats TotalSat, Sats PaidSat = default, Sats OwedSat = default, Sats FeesSat = default, Sats RefundedSat = default, Sats HeldSat = default)
{
    /// <summary>What is left to grant (never negative: every grant is capped by it).</summary>
    /// <remarks>A view, not stored: <c>remainingSat</c> in state written before the money types is ignored on read.</remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public Sats RemainingSat => TotalSat - PaidSat - OwedSat - FeesSat - RefundedSat - HeldSat;

    /// <summary>
    /// <see cref="Grant(Sats, decimal)"/> with <paramref name="holdbackPct"/> percent of the agent's share (reward − fee,
    /// floored) held back until the re-evaluation rather than owed at once.
    /// </summary>
    public (BountyPool Pool, Sats RewardSat, Sats FeeSat, Sats HoldbackSat) Grant(Sats earnedSat, decimal feePct, int holdbackPct)
    {
        var (pool, reward, fee) = Grant(earnedSat, feePct);
        var held = new Sats((long)Math.Floor((reward - fee).Value * Math.Clamp(holdbackPct, 0, 100) / 100m));
        return (pool with { OwedSat = pool.OwedSat - held, HeldSat = pool.HeldSat + held }, reward, fee, held);
    }

    /// <summary>A holdback held up: it becomes owed to the agent.</summary>
    public BountyPool ReleaseHoldback(Sats sat) => this with { HeldSat = HeldSat - sat, OwedSat = OwedSat + sat };

    /// <summary>A holdback did not hold up: it returns to what remains (later rewards, or the sponsor's refund).</summary>
    public BountyPool ForfeitHoldback(Sats sat) => this with { HeldSat = HeldSat - sat };

    /// <summary>
    /// Grants a reward of up to <paramref name="earnedSat"/>, capped by what remains; the fee is
    /// <paramref name="feePct"/> percent of the grant, floored (the agent keeps the rounding).
    /// </summary>
    public (BountyPool Pool, Sats RewardSat, Sats FeeSat) Grant(Sats earnedSat, decimal feePct)
    {
        var reward = Sats.Min(earnedSat, RemainingSat);
        var fee = new Sats((long)Math.Floor(reward.Value * feePct / 100m));
        return (this with { OwedSat = OwedSat + reward - fee, FeesSat = FeesSat + fee }, reward, fee);
    }

    /// <summary>An owed reward was paid.</summary>
    public BountyPool Paid(Sats netSat) => this with { OwedSat = OwedSat - netSat, PaidSat = PaidSat + netSat };

    /// <summary>Everything that remains goes back to the sponsor.</summary>
    public BountyPool RefundRemaining() => this with { RefundedSat = RefundedSat + RemainingSat };
}
