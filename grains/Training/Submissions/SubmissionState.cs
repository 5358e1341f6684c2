using System.Text.Json.Serialization;
using L402Train.Grains.Payments;
using L402Train.Lightning;

namespace L402Train.Grains.Training;

/// <summary>Where a deposit stands.</summary>
[GenerateSerializer, Alias("l402.DepositStatus")]
public enum DepositStatus
{
    /// <summary>HTLC locked, no verdict yet.</summary>
    Held,
    /// <summary>Verdict says refund; the cancel job is queued.</summary>
    Refunding,
    /// <summary>Verdict says forfeit; the settle job is queued.</summary>
    Forfeiting,
    /// <summary>Cancelled: the peer has the funds back.</summary>
    Refunded,
    /// <summary>Settled: the coordinator kept it.</summary>
    Forfeited,
}

/// <summary>Where a reward stands.</summary>
[GenerateSerializer, Alias("l402.RewardStatus")]
public enum RewardStatus
{
    /// <summary>Nothing owed.</summary>
    None,
    /// <summary>Owed; waiting for the peer's claim invoice.</summary>
    Owed,
    /// <summary>The claim's payment is queued or in flight.</summary>
    Paying,
    /// <summary>Paid (final).</summary>
    Paid,
}

/// <summary>What the gateway knows when a gradient arrives.</summary>
/// <param name="PeerId">The peer (its node id or chosen name).</param>
/// <param name="Round">The round it targets.</param>
/// <param name="BaseVersion">The checkpoint version the peer trained from.</param>
/// <param name="BlobHash">Where the payload is stored.</param>
/// <param name="ContentHash">SHA-256 of the payload.</param>
/// <param name="PayloadBytes">Payload size.</param>
/// <param name="PaymentHash">The deposit hold invoice's hash.</param>
/// <param name="TokenIdHex">The L402 token id (the deposit preimage derives from it).</param>
/// <param name="DepositSat">The deposit.</param>
[GenerateSerializer, Immutable, Alias("l402.NewSubmission")]
public sealed record NewSubmission(
    string PeerId, int Round, int BaseVersion, string BlobHash, string ContentHash, long PayloadBytes,
    PaymentHash PaymentHash, string TokenIdHex, Sats DepositSat);

/// <summary>A gradient submission.</summary>
[GenerateSerializer, Alias("l402.SubmissionState")]
public sealed record SubmissionState
{
    /// <summary>What arrived.</summary>
    [Id(0)]
    public NewSubmission? Received { get; init; }

    /// <summary>Why the gateway refused a paid upload without filing it (its deposit is refunded); null for filed ones.</summary>
    [Id(1)]
    public string? Refused { get; init; }

    /// <summary>Arrival order in its round.</summary>
    [Id(2)]
    public int Sequence { get; init; }

    /// <summary>When it arrived.</summary>
    [Id(3)]
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The verdict, once decided.</summary>
    [Id(4)]
    public SubmissionVerdict? Verdict { get; init; }

    /// <summary>When the verdict was recorded.</summary>
    [Id(5)]
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Validator CPU time spent on it, in milliseconds.</summary>
    [Id(6)]
    public double ValidationCpuMs { get; init; }

    /// <summary>The deposit, the reward and its claim (stored as <c>money</c>; rows written before it are folded in on read).</summary>
    [Id(15)]
    public SubmissionMoney Money { get; init; } = new();

    /// <summary>The deposit's status (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public DepositStatus Deposit => Money.Deposit.Status;

    /// <summary>When the deposit job finished (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public DateTimeOffset? DepositResolvedAt => Money.Deposit.ResolvedAt;

    /// <summary>True when the node cancelled the deposit before a settle could happen (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public bool DepositExpired => Money.Deposit.Expired;

    /// <summary>The reward granted (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public Sats RewardSat => Money.RewardSat;

    /// <summary>The reward's status (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public RewardStatus Reward => Money.Reward.Status;

    /// <summary>The claim invoice being paid (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public PaymentHash? ClaimPaymentHash => Money.Reward.PaymentHash;

    /// <summary>Why the last claim payment failed (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public string? ClaimFailure => Money.Reward.Failure;

    /// <summary>When the reward was paid (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public DateTimeOffset? RewardPaidAt => Money.Reward.PaidAt;

    // Rows written before Money kept these flat (ids 7-14): read them into it, never write them.
    // Each sets one field of Money, so the order of the stored properties does not matter.
    [JsonInclude, JsonPropertyName("deposit")]
    private DepositStatus StoredDeposit { init => Money = Money with { Deposit = Money.Deposit with { Status = value } }; }

    [JsonInclude, JsonPropertyName("depositResolvedAt")]
    private DateTimeOffset? StoredDepositResolvedAt { init => Money = Money with { Deposit = Money.Deposit with { ResolvedAt = value } }; }

    [JsonInclude, JsonPropertyName("depositExpired")]
    private bool StoredDepositExpired { init => Money = Money with { Deposit = Money.Deposit with { Expired = value } }; }

    [JsonInclude, JsonPropertyName("rewardSat")]
    private Sats StoredRewardSat { init => Money = Money with { RewardSat = value }; }

    [JsonInclude, JsonPropertyName("reward")]
    private RewardStatus StoredReward { init => Money = Money with { Reward = Money.Reward with { Status = value } }; }

    [JsonInclude, JsonPropertyName("claimPaymentHash")]
    private PaymentHash? StoredClaimPaymentHash { init => Money = Money with { Reward = Money.Reward with { PaymentHash = value } }; }

    [JsonInclude, JsonPropertyName("claimFailure")]
    private string? StoredClaimFailure { init => Money = Money with { Reward = Money.Reward with { Failure = value } }; }

    [JsonInclude, JsonPropertyName("rewardPaidAt")]
    private DateTimeOffset? StoredRewardPaidAt { init => Money = Money with { Reward = Money.Reward with { PaidAt = value } }; }
}

/// <summary>The outcome of a claim.</summary>
[GenerateSerializer, Alias("l402.ClaimOutcome")]
public enum ClaimOutcome
{
    /// <summary>Accepted: the payment is queued.</summary>
    Queued,
    /// <summary>Already paid or being paid with this invoice (idempotent repeat).</summary>
    AlreadyClaimed,
    /// <summary>No verdict yet.</summary>
    NotDecided,
    /// <summary>No reward is owed.</summary>
    NothingOwed,
    /// <summary>The invoice's amount is not exactly the reward.</summary>
    WrongAmount,
    /// <summary>Another claim is being paid.</summary>
    OtherClaimInFlight,
}
