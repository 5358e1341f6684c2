using L402Train.Lightning;
using L402Train.Runtime;

namespace L402Train.Grains.Payments;

/// <summary>Job types of the money machinery; each is unique by payment hash.</summary>
public static class PaymentJobTypes
{
    /// <summary>Settle a deposit hold invoice (forfeit).</summary>
    public const string SettleDeposit = "deposit.settle";

    /// <summary>Cancel a deposit hold invoice (refund).</summary>
    public const string CancelDeposit = "deposit.cancel";

    /// <summary>Pay a reward claim invoice.</summary>
    public const string PayReward = "reward.pay";
}

/// <summary>Payload of a deposit job.</summary>
/// <param name="PaymentHash">The hold invoice's hash.</param>
/// <param name="TokenIdHex">The L402 token id the deposit preimage derives from.</param>
/// <param name="Purpose">What the deposit was for.</param>
/// <param name="AmountSat">The deposit.</param>
/// <param name="OwnerKind">Owner kind (see <see cref="PaymentOwners"/>).</param>
/// <param name="OwnerKey">Owner grain key.</param>
public sealed record DepositJob(PaymentHash PaymentHash, string TokenIdHex, InvoicePurpose Purpose, Sats AmountSat, string OwnerKind, string OwnerKey)
{
    /// <summary>The job request for settling (forfeit) or cancelling (refund) this deposit.</summary>
    public JobRequest ToRequest(bool forfeit) =>
        JobRequest.Create(forfeit ? PaymentJobTypes.SettleDeposit : PaymentJobTypes.CancelDeposit, PaymentHash.ToHex(), this, null, GrainJson.Options);

    /// <summary>The owner reference stored on the invoice record.</summary>
    public string Owner => $"{OwnerKind}/{OwnerKey}";
}

/// <summary>Payload of a reward payment job.</summary>
/// <param name="PaymentHash">The claim invoice's hash.</param>
/// <param name="Bolt11">The claim invoice.</param>
/// <param name="AmountSat">The reward.</param>
/// <param name="MaxFeeSat">The most routing fee the coordinator pays on top.</param>
/// <param name="Purpose">Training reward or bounty payout.</param>
/// <param name="OwnerKind">Owner kind.</param>
/// <param name="OwnerKey">Owner grain key.</param>
public sealed record RewardJob(PaymentHash PaymentHash, string Bolt11, Sats AmountSat, Sats MaxFeeSat, InvoicePurpose Purpose, string OwnerKind, string OwnerKey)
{
    /// <summary>The job request.</summary>
    public JobRequest ToRequest() => JobRequest.Create(PaymentJobTypes.PayReward, PaymentHash.ToHex(), this, null, GrainJson.Options);

    /// <summary>The owner reference stored on the invoice record.</summary>
    public string Owner => $"{OwnerKind}/{OwnerKey}";
}
