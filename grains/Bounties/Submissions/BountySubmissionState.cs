using System.Text.Json.Serialization;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Payments;
using L402Train.Lightning;
using L402Train.Grains.Training;

namespace L402Train.Grains.Bounties.Submissions;

/// <summary>What the gateway knows when a bounty submission arrives.</summary>
/// <param name="BountyId">The bounty.</param>
/// <param name="Agent">The agent's chosen name.</param>
/// <param name="BaseVersion">The version the diff was made against.</param>
/// <param name="DiffBlob">Blob hash of the diff text.</param>
/// <param name="DiffHash">SHA-256 of the normalized diff (identical diffs share it).</param>
/// <param name="DiffBytes">UTF-8 size of the diff.</param>
/// <param name="ClaimedScore">The score the agent claims (informational).</param>
/// <param name="Commitment">The commitment the nonce reveals (<c>sha256(diff ‖ nonce)</c>), when a nonce was sent.</param>
/// <param name="PaymentHash">The deposit hold invoice's hash; its hex is the submission id.</param>
/// <param name="TokenIdHex">The L402 token id the deposit preimage derives from.</param>
/// <param name="DepositSat">The deposit.</param>
[GenerateSerializer, Immutable, Alias("l402.NewBountySubmission")]
public sealed record NewBountySubmission(
    string BountyId, string Agent, int BaseVersion, string? DiffBlob, string? DiffHash, long DiffBytes, double? ClaimedScore,
    string? Commitment, PaymentHash PaymentHash, string TokenIdHex, Sats DepositSat);

/// <summary>A bounty submission.</summary>
[GenerateSerializer, Alias("l402.BountySubmissionState")]
public sealed record BountySubmissionState
{
    /// <summary>What arrived; null for an unknown id.</summary>
    [Id(0)]
    public NewBountySubmission? Received { get; init; }

    /// <summary>When it arrived.</summary>
    [Id(1)]
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Arrival order in its bounty (0 when refused at the door).</summary>
    [Id(2)]
    public int ArrivalSequence { get; init; }

    /// <summary>The sequence of the commitment it revealed.</summary>
    [Id(3)]
    public int? CommitSequence { get; init; }

    /// <summary>The bounty's version when it arrived: a base version other than this is stale.</summary>
    [Id(4)]
    public int VersionAtArrival { get; init; }

    /// <summary>The verdict, once decided.</summary>
    [Id(5)]
    public BountyVerdict? Verdict { get; init; }

    /// <summary>When the verdict was recorded.</summary>
    [Id(6)]
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>The version the acceptance created.</summary>
    [Id(7)]
    public int? NewVersion { get; init; }

    /// <summary>The deposit, the reward, the fee, the holdback and their claims (stored as <c>money</c>; rows written before it are folded in on read).</summary>
    [Id(23)]
    public SubmissionMoney Money { get; init; } = new();

    /// <summary>The deposit's status (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public DepositStatus Deposit => Money.Deposit.Status;

    /// <summary>When the deposit job finished (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public DateTimeOffset? DepositResolvedAt => Money.Deposit.ResolvedAt;

    /// <summary>The reward granted, fee included (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public Sats RewardSat => Money.RewardSat;

    /// <summary>The coordinator's fee out of the reward; the agent claims <c>RewardSat − FeeSat</c> (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public Sats FeeSat => Money.FeeSat;

    /// <summary>The first claim's status (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public RewardStatus Reward => Money.Reward.Status;

    /// <summary>The first claim's invoice (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public PaymentHash? ClaimPaymentHash => Money.Reward.PaymentHash;

    /// <summary>Why the last first-claim payment failed (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public string? ClaimFailure => Money.Reward.Failure;

    /// <summary>When the first claim was paid (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public DateTimeOffset? RewardPaidAt => Money.Reward.PaidAt;

    /// <summary>The part of <see cref="PayoutSat"/> held back until the re-evaluation on a fresh held-out slice (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public Sats HoldbackSat => Money.Holdback.Sat;

    /// <summary>Where the holdback stands, in the bounty's words (a view of <see cref="Money"/>: its stage, then its claim).</summary>
    [JsonIgnore]
    public HoldbackStatus Holdback => Money.Holdback.Stage switch
    {
        HoldbackStage.Held => HoldbackStatus.Held,
        HoldbackStage.Forfeited => HoldbackStatus.Forfeited,
        HoldbackStage.Released => Money.Holdback.Claim.Status switch
        {
            RewardStatus.Paying => HoldbackStatus.Paying,
            RewardStatus.Paid => HoldbackStatus.Paid,
            _ => HoldbackStatus.Released,
        },
        _ => HoldbackStatus.None,
    };

    /// <summary>When the holdback's re-evaluation runs (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public DateTimeOffset? HoldbackDueAt => Money.Holdback.DueAt;

    /// <summary>The invoice the holdback is being (or was) paid to (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public PaymentHash? HoldbackPaymentHash => Money.Holdback.Claim.PaymentHash;

    /// <summary>The re-evaluation's figures in a sentence (the sponsor's; agents see only the outcome; a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public string? HoldbackDetail => Money.Holdback.Detail;

    /// <summary>When the re-evaluation decided (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public DateTimeOffset? HoldbackResolvedAt => Money.Holdback.ResolvedAt;

    /// <summary>Why the last holdback claim payment failed (a view of <see cref="Money"/>).</summary>
    [JsonIgnore]
    public string? HoldbackClaimFailure => Money.Holdback.Claim.Failure;

    /// <summary>What the agent is paid in all: the reward less the fee (the holdback included).</summary>
    [JsonIgnore] // a view of the stored amounts; see BountyPool.RemainingSat
    public Sats PayoutSat => Money.PayoutSat;

    /// <summary>What the first claim pays: the payout less the holdback.</summary>
    [JsonIgnore] // a view of the stored amounts; see BountyPool.RemainingSat
    public Sats FirstClaimSat => Money.FirstClaimSat;

    /// <summary>What the next claim must be for: the first part while it is owed, then the released holdback; 0 when nothing is claimable now.</summary>
    [JsonIgnore] // a view of the stored amounts; see BountyPool.RemainingSat
    public Sats ClaimableSat => Money.ClaimableSat;

    // Rows written before Money kept these flat (ids 8-22): read them into it, never write them.
    // Each sets its own field(s) of Money, so the order of the stored properties does not matter.
    [JsonInclude, JsonPropertyName("deposit")]
    private DepositStatus StoredDeposit { init => Money = Money with { Deposit = Money.Deposit with { Status = value } }; }

    [JsonInclude, JsonPropertyName("depositResolvedAt")]
    private DateTimeOffset? StoredDepositResolvedAt { init => Money = Money with { Deposit = Money.Deposit with { ResolvedAt = value } }; }

    [JsonInclude, JsonPropertyName("rewardSat")]
    private Sats StoredRewardSat { init => Money = Money with { RewardSat = value }; }

    [JsonInclude, JsonPropertyName("feeSat")]
    private Sats StoredFeeSat { init => Money = Money with { FeeSat = value }; }

    [JsonInclude, JsonPropertyName("reward")]
    private RewardStatus StoredReward { init => Money = Money with { Reward = Money.Reward with { Status = value } }; }

    [JsonInclude, JsonPropertyName("claimPaymentHash")]
    private PaymentHash? StoredClaimPaymentHash { init => Money = Money with { Reward = Money.Reward with { PaymentHash = value } }; }

    [JsonInclude, JsonPropertyName("claimFailure")]
    private string? StoredClaimFailure { init => Money = Money with { Reward = Money.Reward with { Failure = value } }; }

    [JsonInclude, JsonPropertyName("rewardPaidAt")]
    private DateTimeOffset? StoredRewardPaidAt { init => Money = Money with { Reward = Money.Reward with { PaidAt = value } }; }

    [JsonInclude, JsonPropertyName("holdbackSat")]
    private Sats StoredHoldbackSat { init => Money = Money with { Holdback = Money.Holdback with { Sat = value } }; }

    // The old status was the stage and the claim in one: released, paying and paid are a released stage whose claim is owed, paying or paid.
    [JsonInclude, JsonPropertyName("holdback")]
    private HoldbackStatus StoredHoldback
    {
        init => Money = Money with
        {
            Holdback = Money.Holdback with
            {
                Stage = value switch
                {
                    HoldbackStatus.Held => HoldbackStage.Held,
                    HoldbackStatus.Released or HoldbackStatus.Paying or HoldbackStatus.Paid => HoldbackStage.Released,
                    HoldbackStatus.Forfeited => HoldbackStage.Forfeited,
                    _ => HoldbackStage.None,
                },
                Claim = Money.Holdback.Claim with
                {
                    Status = value switch
                    {
                        HoldbackStatus.Released => RewardStatus.Owed,
                        HoldbackStatus.Paying => RewardStatus.Paying,
                        HoldbackStatus.Paid => RewardStatus.Paid,
                        _ => RewardStatus.None,
                    },
                },
            },
        };
    }

    [JsonInclude, JsonPropertyName("holdbackDueAt")]
    private DateTimeOffset? StoredHoldbackDueAt { init => Money = Money with { Holdback = Money.Holdback with { DueAt = value } }; }

    [JsonInclude, JsonPropertyName("holdbackPaymentHash")]
    private PaymentHash? StoredHoldbackPaymentHash { init => Money = Money with { Holdback = Money.Holdback with { Claim = Money.Holdback.Claim with { PaymentHash = value } } }; }

    [JsonInclude, JsonPropertyName("holdbackDetail")]
    private string? StoredHoldbackDetail { init => Money = Money with { Holdback = Money.Holdback with { Detail = value } }; }

    [JsonInclude, JsonPropertyName("holdbackResolvedAt")]
    private DateTimeOffset? StoredHoldbackResolvedAt { init => Money = Money with { Holdback = Money.Holdback with { ResolvedAt = value } }; }

    [JsonInclude, JsonPropertyName("holdbackClaimFailure")]
    private string? StoredHoldbackClaimFailure { init => Money = Money with { Holdback = Money.Holdback with { Claim = Money.Holdback.Claim with { Failure = value } } }; }
}
