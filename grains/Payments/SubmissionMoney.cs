using System.Text.Json.Serialization;
using L402Train.Grains.Training;
using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>
/// The money of one submission, training or bounty, in one record both submission grains embed:
/// the deposit (<see cref="DepositHold"/>), the reward granted with the coordinator's fee out of it,
/// and the claims that pay it out: <see cref="Reward"/> for the first part, then
/// <see cref="Holdback"/>'s once its re-evaluation releases it. The grains change it only through
/// these transitions and decide claims with <see cref="Claim"/>, so both tracks move money alike.
/// </summary>
[GenerateSerializer, Immutable, Alias("l402.SubmissionMoney")]
public sealed record SubmissionMoney
{
    /// <summary>The deposit.</summary>
    [Id(0)]
    public DepositHold Deposit { get; init; } = new();

    /// <summary>The reward granted, fee included.</summary>
    [Id(1)]
    public Sats RewardSat { get; init; }

    /// <summary>The coordinator's fee out of the reward (bounties); the payee is paid <see cref="PayoutSat"/>.</summary>
    [Id(2)]
    public Sats FeeSat { get; init; }

    /// <summary>The first claim: the payout less the holdback.</summary>
    [Id(3)]
    public RewardClaim Reward { get; init; } = new();

    /// <summary>The part held back until a re-evaluation, claimable second once released.</summary>
    [Id(4)]
    public HeldBackReward Holdback { get; init; } = new();

    /// <summary>What the payee is paid in all: the reward less the fee (the holdback included).</summary>
    [JsonIgnore] // a view of the stored amounts
    public Sats PayoutSat => RewardSat - FeeSat;

    /// <summary>What the first claim pays: the payout less the holdback.</summary>
    [JsonIgnore] // a view of the stored amounts
    public Sats FirstClaimSat => PayoutSat - Holdback.Sat;

    /// <summary>What the next claim must be for: the first part while it is owed, then the released holdback; 0 when nothing is claimable now.</summary>
    [JsonIgnore] // a view of the stored amounts
    public Sats ClaimableSat =>
        Reward.Status is RewardStatus.Owed or RewardStatus.Paying ? FirstClaimSat
        : Holdback.Claim.Status is RewardStatus.Owed or RewardStatus.Paying ? Holdback.Sat
        : Sats.Zero;

    /// <summary>The verdict's deposit decision (see <see cref="DepositHold.Decided"/>).</summary>
    public SubmissionMoney DepositDecided(DepositAction action, bool expired = false) => this with { Deposit = Deposit.Decided(action, expired) };

    /// <summary>The deposit job's result, recorded once.</summary>
    public SubmissionMoney DepositResolved(DepositResolution resolution, DateTimeOffset at) => this with { Deposit = Deposit.Resolved(resolution, at) };

    /// <summary>
    /// The reward the verdict granted: <paramref name="feeSat"/> of it is the coordinator's and
    /// <paramref name="holdbackSat"/> of the rest waits for a re-evaluation due at <paramref name="holdbackDueAt"/>;
    /// the first part is owed when it is more than zero.
    /// </summary>
    public SubmissionMoney Granted(Sats rewardSat, Sats feeSat = default, Sats holdbackSat = default, DateTimeOffset? holdbackDueAt = null)
    {
        var granted = this with { RewardSat = rewardSat, FeeSat = feeSat, Holdback = HeldBackReward.Hold(holdbackSat, holdbackDueAt) };
        return granted with { Reward = RewardClaim.OwedWhen(granted.FirstClaimSat > Sats.Zero) };
    }

    /// <summary>The holdback's re-evaluation, recorded once: released (claimable) or forfeited.</summary>
    public SubmissionMoney HoldbackResolved(bool heldUp, string detail, DateTimeOffset at) => this with { Holdback = Holdback.Resolved(heldUp, detail, at) };

    /// <summary>Which claim an invoice pays: the holdback's when it is that claim's invoice, else the first.</summary>
    public ClaimPart PartPaidBy(PaymentHash paymentHash) => Holdback.Claim.PaymentHash == paymentHash ? ClaimPart.Holdback : ClaimPart.Reward;

    /// <summary>The claim paid by <paramref name="paymentHash"/> succeeded; recorded once.</summary>
    public SubmissionMoney Paid(PaymentHash paymentHash, DateTimeOffset at) => PartPaidBy(paymentHash) == ClaimPart.Holdback
        ? this with { Holdback = Holdback with { Claim = Holdback.Claim.Paid(paymentHash, at) } }
        : this with { Reward = Reward.Paid(paymentHash, at) };

    /// <summary>The payment of <paramref name="paymentHash"/> failed: its claim is owed again (a stale report changes nothing).</summary>
    public SubmissionMoney PaymentFailed(PaymentHash paymentHash, string reason) => this with
    {
        Reward = Reward.Failed(paymentHash, reason),
        Holdback = Holdback with { Claim = Holdback.Claim.Failed(paymentHash, reason) },
    };

    /// <summary>
    /// Decides a claim invoice for <paramref name="amountSat"/>. The claims are taken in order, the
    /// first part then the released holdback: one being paid with this invoice, or paid by it, is an
    /// idempotent repeat; one being paid with another invoice blocks; the first one owed must be
    /// claimed for exactly its amount. Queued, the result carries the money with that claim paying.
    /// </summary>
    public MoneyClaim Claim(PaymentHash paymentHash, Sats amountSat)
    {
        if (PayoutSat == Sats.Zero) return new(ClaimOutcome.NothingOwed, null, this);
        foreach (var (part, claim, due) in new[] { (ClaimPart.Reward, Reward, FirstClaimSat), (ClaimPart.Holdback, Holdback.Claim, Holdback.Sat) })
        {
            if (claim.Status is RewardStatus.Paying or RewardStatus.Paid && claim.PaymentHash == paymentHash) return new(ClaimOutcome.AlreadyClaimed, part, this);
            if (claim.Status == RewardStatus.Paying) return new(ClaimOutcome.OtherClaimInFlight, part, this);
            if (claim.Status != RewardStatus.Owed) continue;
            if (amountSat != due) return new(ClaimOutcome.WrongAmount, part, this);
            var paying = claim.Paying(paymentHash);
            return new(ClaimOutcome.Queued, part, part == ClaimPart.Holdback ? this with { Holdback = Holdback with { Claim = paying } } : this with { Reward = paying });
        }
        return new(ClaimOutcome.NothingOwed, null, this);
    }
}

/// <summary>Which of a submission's claims.</summary>
public enum ClaimPart
{
    /// <summary>The first claim: the payout less the holdback.</summary>
    Reward,
    /// <summary>The released holdback.</summary>
    Holdback,
}

/// <summary>A claim's decision: its outcome, the claim it concerns, and the money after it (changed only when queued).</summary>
/// <param name="Outcome">What the claimant is told.</param>
/// <param name="Part">The claim the invoice was matched to; null when nothing is owed.</param>
/// <param name="Money">The money with the claim paying when <see cref="ClaimOutcome.Queued"/>, else unchanged.</param>
public sealed record MoneyClaim(ClaimOutcome Outcome, ClaimPart? Part, SubmissionMoney Money);
