using L402Train.Lightning;
using L402Train.Runtime;

namespace L402Train.Grains.Payments;

/// <summary>
/// Payload of <c>deposit.unfiled</c>: a consumed deposit to refund if nothing was filed for it.
/// Built by the gateway when a hold token is consumed (<c>UnfiledDeposits.For</c>), queued by
/// <see cref="IHoldTokenGrain"/> in the same write that consumes the token.
/// </summary>
/// <param name="PaymentHash">The hold invoice's hash; its hex is the submission id it would have had.</param>
/// <param name="TokenIdHex">The token id the deposit preimage derives from.</param>
/// <param name="AmountSat">The amount locked.</param>
/// <param name="OwnerKind">Whose submission it would have been: a training or bounty submission, or an experiment.</param>
/// <param name="BountyId">The bounty, for a bounty deposit.</param>
[GenerateSerializer, Immutable, Alias("l402.UnfiledDepositJob")]
public sealed record UnfiledDepositJob(PaymentHash PaymentHash, string TokenIdHex, Sats AmountSat, string OwnerKind, string? BountyId)
{
    /// <summary>The job type.</summary>
    public const string JobType = "deposit.unfiled";

    /// <summary>Why the deposit was refunded, as the submission records it.</summary>
    public const string Reason = "refused: no submission was filed for this deposit within the grace period (the request failed or was cut off); the deposit is refunded";

    /// <summary>The job, due at <paramref name="runAt"/>, unique by payment hash.</summary>
    public JobRequest ToRequest(DateTimeOffset runAt) => JobRequest.Create(JobType, PaymentHash.ToHex(), this, runAt);
}
