namespace L402Train.Grains.Bounties.Catalog;

/// <summary>
/// A bounty's money, exact to the sat: <c>total = paid + owed + fees + refunded + remaining</c>.
/// A reward R granted on a merge moves R out of remaining: R − fee is owed to the agent (paid
/// through its claim), the fee is the coordinator's; a cancel refunds what remains to the sponsor.
/// </summary>
/// <param name="TotalSat">What the sponsor funded.</param>
/// <param name="PaidSat">Rewards paid to agents (net of fees).</param>
/// <param name="OwedSat">Rewards granted but not paid yet (net of fees).</param>
/// <param name="FeesSat">Coordinator fees kept from granted rewards.</param>
/// <param name="RefundedSat">Returned (or being returned) to the sponsor on cancel.</param>
[GenerateSerializer, Immutable, Alias("l402.BountyPool")]
public sealed record BountyPool(long TotalSat, long PaidSat = 0, long OwedSat = 0, long FeesSat = 0, long RefundedSat = 0)
{
    /// <summary>What is left to grant.</summary>
    public long RemainingSat => TotalSat - PaidSat - OwedSat - FeesSat - RefundedSat;

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
