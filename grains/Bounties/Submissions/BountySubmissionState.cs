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

    /// <summary>The deposit.</summary>
    [Id(8)]
    public DepositStatus Deposit { get; init; }

    /// <summary>When the deposit job finished.</summary>
    [Id(9)]
    public DateTimeOffset? DepositResolvedAt { get; init; }

    /// <summary>The reward granted, fee included.</summary>
    [Id(10)]
    public Sats RewardSat { get; init; }

    /// <summary>The coordinator's fee out of the reward; the agent claims <c>RewardSat − FeeSat</c>.</summary>
    [Id(11)]
    public Sats FeeSat { get; init; }

    /// <summary>The reward's status.</summary>
    [Id(12)]
    public RewardStatus Reward { get; init; }

    /// <summary>The claim invoice being paid.</summary>
    [Id(13)]
    public PaymentHash? ClaimPaymentHash { get; init; }

    /// <summary>Why the last claim payment failed.</summary>
    [Id(14)]
    public string? ClaimFailure { get; init; }

    /// <summary>When the reward was paid.</summary>
    [Id(15)]
    public DateTimeOffset? RewardPaidAt { get; init; }

    /// <summary>The part of <see cref="PayoutSat"/> held back until the re-evaluation on a fresh held-out slice.</summary>
    [Id(16)]
    public Sats HoldbackSat { get; init; }

    /// <summary>Where the holdback stands.</summary>
    [Id(17)]
    public L402Train.Grains.Bounties.Catalog.HoldbackStatus Holdback { get; init; }

    /// <summary>When the holdback's re-evaluation runs.</summary>
    [Id(18)]
    public DateTimeOffset? HoldbackDueAt { get; init; }

    /// <summary>The invoice the holdback is being (or was) paid to.</summary>
    [Id(19)]
    public PaymentHash? HoldbackPaymentHash { get; init; }

    /// <summary>The re-evaluation's figures in a sentence (the sponsor's; agents see only the outcome).</summary>
    [Id(20)]
    public string? HoldbackDetail { get; init; }

    /// <summary>When the re-evaluation decided.</summary>
    [Id(21)]
    public DateTimeOffset? HoldbackResolvedAt { get; init; }

    /// <summary>Why the last holdback claim payment failed.</summary>
    [Id(22)]
    public string? HoldbackClaimFailure { get; init; }

    /// <summary>What the agent is paid in all: the reward less the fee (the holdback included).</summary>
    [System.Text.Json.Serialization.JsonIgnore] // a view of the stored amounts; see BountyPool.RemainingSat
    public Sats PayoutSat => RewardSat - FeeSat;

    /// <summary>What the first claim pays: the payout less the holdback.</summary>
    [System.Text.Json.Serialization.JsonIgnore] // a view of the stored amounts; see BountyPool.RemainingSat
    public Sats FirstClaimSat => PayoutSat - HoldbackSat;

    /// <summary>What the next claim must be for: the first part while it is owed, then the released holdback; 0 when nothing is claimable now.</summary>
    [System.Text.Json.Serialization.JsonIgnore] // a view of the stored amounts; see BountyPool.RemainingSat
    public Sats ClaimableSat =>
        Reward is RewardStatus.Owed or RewardStatus.Paying ? FirstClaimSat
        : Holdback is L402Train.Grains.Bounties.Catalog.HoldbackStatus.Released or L402Train.Grains.Bounties.Catalog.HoldbackStatus.Paying ? HoldbackSat
        : Sats.Zero;
}
