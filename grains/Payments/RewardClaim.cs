using L402Train.Grains.Training;
using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>
/// One claimable payout of a submission (its reward, or a released holdback): owed → paying (a
/// claim invoice's payment job is queued) → paid; a failed payment makes it owed again, so the
/// payee can claim with a new invoice. The amount lives with the owner (<see cref="SubmissionMoney"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("l402.RewardClaim")]
public sealed record RewardClaim
{
    /// <summary>Where the payout stands.</summary>
    [Id(0)]
    public RewardStatus Status { get; init; }

    /// <summary>The claim invoice being (or that was) paid.</summary>
    [Id(1)]
    public PaymentHash? PaymentHash { get; init; }

    /// <summary>Why the last claim payment failed.</summary>
    [Id(2)]
    public string? Failure { get; init; }

    /// <summary>When it was paid.</summary>
    [Id(3)]
    public DateTimeOffset? PaidAt { get; init; }

    /// <summary>Owed when <paramref name="owed"/>, else nothing to claim.</summary>
    public static RewardClaim OwedWhen(bool owed) => new() { Status = owed ? RewardStatus.Owed : RewardStatus.None };

    /// <summary>A claim invoice's payment is queued.</summary>
    public RewardClaim Paying(PaymentHash paymentHash) => this with { Status = RewardStatus.Paying, PaymentHash = paymentHash, Failure = null };

    /// <summary>The payment succeeded; recorded once.</summary>
    public RewardClaim Paid(PaymentHash paymentHash, DateTimeOffset at) =>
        Status == RewardStatus.Paid ? this : this with { Status = RewardStatus.Paid, PaymentHash = paymentHash, PaidAt = at };

    /// <summary>The payment of <paramref name="paymentHash"/> failed: owed again. A report for another invoice changes nothing.</summary>
    public RewardClaim Failed(PaymentHash paymentHash, string reason) =>
        Status == RewardStatus.Paying && PaymentHash == paymentHash ? this with { Status = RewardStatus.Owed, Failure = reason } : this;
}
