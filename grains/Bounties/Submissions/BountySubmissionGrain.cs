using L402Train.Lightning;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;

namespace L402Train.Grains.Bounties.Submissions;

/// <summary>One bounty submission, keyed by its id (the deposit's payment hash).</summary>
[Alias("l402.IBountySubmissionGrain")]
public interface IBountySubmissionGrain : IDepositOwner, IRewardOwner
{
    /// <summary>Records the arrival (idempotent), registers its claim with the bounty and queues validation.</summary>
    Task<BountySubmissionState> CreateAsync(NewBountySubmission submission);

    /// <summary>Records a request refused with a 4xx after its deposit was locked, and refunds the deposit.</summary>
    Task<BountySubmissionState> RefuseAsync(NewBountySubmission submission, string detail);

    /// <summary>The state; <see cref="BountySubmissionState.Received"/> is null for an unknown id.</summary>
    Task<BountySubmissionState> GetAsync();

    /// <summary>
    /// Records the verdict once. An acceptance is merged by the bounty first; when the bounty moved
    /// or closed meanwhile it becomes superseded or closed. Queues the deposit's settle or cancel.
    /// </summary>
    Task<BountySubmissionState> DecideAsync(BountyVerdict verdict);

    /// <summary>
    /// Queues payment of a claim invoice for exactly what is claimable now (<see cref="BountySubmissionState.ClaimableSat"/>):
    /// the reward less the fee and the holdback, then, once released, the holdback.
    /// </summary>
    Task<ClaimOutcome> ClaimAsync(PaymentHash paymentHash, string bolt11, Sats amountSat, Sats maxFeeSat);

    /// <summary>
    /// Records the holdback re-evaluation's outcome once and tells the bounty (released: owed; else forfeited to the pool).
    /// Called again after a crash, it completes the bounty's side with the outcome already recorded and ignores the arguments.
    /// </summary>
    Task<BountySubmissionState> ResolveHoldbackAsync(bool heldUp, string detail);
}

/// <inheritdoc cref="IBountySubmissionGrain"/>
[GrainType("bounty-submission")]
public sealed class BountySubmissionGrain([PersistentState("submission")] IPersistentState<BountySubmissionState> submission)
    : OutboxGrain, IBountySubmissionGrain
{
    /// <summary>Owner kind of bounty submissions in payment jobs.</summary>
    public const string OwnerKind = "bounty-submission";

    private BountySubmissionState State => submission.State;

    /// <inheritdoc/>
    public async Task<BountySubmissionState> CreateAsync(NewBountySubmission arrival)
    {
        ArgumentNullException.ThrowIfNull(arrival);
        if (State.Received is not null) return State;
        var id = GetPrimaryKeyString();
        var admission = await GrainFactory.GetGrain<IBountyGrain>(arrival.BountyId).AdmitAsync(id, arrival.DiffHash ?? "", arrival.Commitment);
        submission.State = new BountySubmissionState
        {
            Received = arrival, ReceivedAt = TimeProvider.GetUtcNow(), ArrivalSequence = admission.ArrivalSequence,
            CommitSequence = admission.CommitSequence, VersionAtArrival = admission.VersionAtArrival, Deposit = DepositStatus.Held,
        };
        if (!admission.Open) return await RecordAsync(BountyVerdict.Rejected(BountyVerdictReason.Closed, "the bounty closed before this submission arrived; the deposit is refunded"), null);
        EnqueueJob(BountyJobTypes.Validate, id, new BountySubmissionJob(id));
        await submission.WriteStateAsync();
        return State;
    }

    /// <inheritdoc/>
    public async Task<BountySubmissionState> RefuseAsync(NewBountySubmission arrival, string detail)
    {
        ArgumentNullException.ThrowIfNull(arrival);
        if (State.Received is not null) return State;
        submission.State = new BountySubmissionState { Received = arrival, ReceivedAt = TimeProvider.GetUtcNow(), Deposit = DepositStatus.Held };
        return await RecordAsync(BountyVerdict.Rejected(BountyVerdictReason.Refused, detail), null);
    }

    /// <inheritdoc/>
    public Task<BountySubmissionState> GetAsync() => Task.FromResult(State);

    /// <inheritdoc/>
    public async Task<BountySubmissionState> DecideAsync(BountyVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var arrival = State.Received ?? throw new InvalidOperationException($"Bounty submission {GetPrimaryKeyString()} does not exist.");
        if (State.Verdict is not null) return State;
        if (verdict.Reason != BountyVerdictReason.Accepted) return await RecordAsync(verdict, null);

        var merge = await GrainFactory.GetGrain<IBountyGrain>(arrival.BountyId).MergeAsync(new MergeRequest(
            GetPrimaryKeyString(), arrival.Agent, arrival.BaseVersion,
            verdict.TreeBlob ?? throw new ArgumentException("an acceptance carries the merged tree", nameof(verdict)),
            verdict.PublicScores ?? [], verdict.HeldOutScores ?? [], verdict.Improvement ?? 0));
        return merge.Outcome switch
        {
            MergeOutcome.Merged => await RecordAsync(verdict with { Detail = $"{verdict.Detail}; merged as version {merge.Version}" }, merge),
            MergeOutcome.Superseded => await RecordAsync(verdict with
            {
                Reason = BountyVerdictReason.Superseded, TreeBlob = null,
                Detail = $"another submission merged first (now version {merge.Version}); rebase on it and submit again. Evaluation: {verdict.Detail}",
            }, null),
            _ => await RecordAsync(verdict with { Reason = BountyVerdictReason.Closed, TreeBlob = null, Detail = "the bounty closed before this submission could merge" }, null),
        };
    }

    private async Task<BountySubmissionState> RecordAsync(BountyVerdict verdict, MergeResult? merge)
    {
        var arrival = State.Received!;
        var id = GetPrimaryKeyString();
        if (verdict.Deposit != DepositAction.None)
        {
            var deposit = new DepositJob(arrival.PaymentHash, arrival.TokenIdHex, InvoicePurpose.BountyDeposit, arrival.DepositSat, OwnerKind, id);
            EnqueueJob(deposit.ToRequest(forfeit: verdict.Deposit == DepositAction.Forfeit));
        }
        var reward = merge?.RewardSat ?? Sats.Zero;
        var fee = merge?.FeeSat ?? Sats.Zero;
        var held = merge?.HoldbackSat ?? Sats.Zero;
        if (held > Sats.Zero)
            EnqueueJob(BountyJobTypes.Holdback, id, new BountySubmissionJob(id), merge!.HoldbackDueAt);
        submission.State = State with
        {
            Verdict = verdict, DecidedAt = TimeProvider.GetUtcNow(), NewVersion = merge?.Version,
            Deposit = verdict.Deposit switch
            {
                DepositAction.Refund => DepositStatus.Refunding,
                DepositAction.Forfeit => DepositStatus.Forfeiting,
                _ => DepositStatus.Refunded,
            },
            RewardSat = reward, FeeSat = fee, Reward = reward - fee - held > Sats.Zero ? RewardStatus.Owed : RewardStatus.None,
            HoldbackSat = held, Holdback = held > Sats.Zero ? HoldbackStatus.Held : HoldbackStatus.None, HoldbackDueAt = merge?.HoldbackDueAt,
        };
        await submission.WriteStateAsync();
        BountyMetrics.Decided(verdict.Reason, reward);
        return State;
    }

    /// <inheritdoc/>
    public async Task<ClaimOutcome> ClaimAsync(PaymentHash paymentHash, string bolt11, Sats amountSat, Sats maxFeeSat)
    {
        if (State.Verdict is null) return ClaimOutcome.NotDecided;
        if (State.PayoutSat == Sats.Zero) return ClaimOutcome.NothingOwed;
        var id = GetPrimaryKeyString();
        if (State.Reward is RewardStatus.Paid or RewardStatus.Paying && State.ClaimPaymentHash == paymentHash) return ClaimOutcome.AlreadyClaimed;
        if (State.Reward == RewardStatus.Paying) return ClaimOutcome.OtherClaimInFlight;
        if (State.Reward == RewardStatus.Owed)
        {
            if (amountSat != State.FirstClaimSat) return ClaimOutcome.WrongAmount;
            EnqueueJob(new RewardJob(paymentHash, bolt11, amountSat, maxFeeSat, InvoicePurpose.BountyPayout, OwnerKind, id).ToRequest());
            submission.State = State with { Reward = RewardStatus.Paying, ClaimPaymentHash = paymentHash, ClaimFailure = null };
            await submission.WriteStateAsync();
            return ClaimOutcome.Queued;
        }

        // The first part is paid (or was all held back): what is left is the holdback, once it held up.
        if (State.Holdback is HoldbackStatus.Paying or HoldbackStatus.Paid && State.HoldbackPaymentHash == paymentHash) return ClaimOutcome.AlreadyClaimed;
        if (State.Holdback == HoldbackStatus.Paying) return ClaimOutcome.OtherClaimInFlight;
        if (State.Holdback != HoldbackStatus.Released) return ClaimOutcome.NothingOwed;
        if (amountSat != State.HoldbackSat) return ClaimOutcome.WrongAmount;
        EnqueueJob(new RewardJob(paymentHash, bolt11, amountSat, maxFeeSat, InvoicePurpose.BountyHoldback, OwnerKind, id).ToRequest());
        submission.State = State with { Holdback = HoldbackStatus.Paying, HoldbackPaymentHash = paymentHash, HoldbackClaimFailure = null };
        await submission.WriteStateAsync();
        return ClaimOutcome.Queued;
    }

    /// <inheritdoc/>
    public async Task<BountySubmissionState> ResolveHoldbackAsync(bool heldUp, string detail)
    {
        var arrival = State.Received ?? throw new InvalidOperationException($"Bounty submission {GetPrimaryKeyString()} does not exist.");
        if (State.Holdback == HoldbackStatus.None) return State;
        if (State.Holdback == HoldbackStatus.Held)
        {
            submission.State = State with
            {
                Holdback = heldUp ? HoldbackStatus.Released : HoldbackStatus.Forfeited, HoldbackDetail = detail, HoldbackResolvedAt = TimeProvider.GetUtcNow(),
            };
            await submission.WriteStateAsync();
            BountyMetrics.HoldbackResolved(heldUp, State.HoldbackSat);
        }
        // Idempotent on the bounty: a re-run after a crash between the two writes completes it with the recorded outcome.
        await GrainFactory.GetGrain<IBountyGrain>(arrival.BountyId).HoldbackResolvedAsync(GetPrimaryKeyString(), State.Holdback != HoldbackStatus.Forfeited);
        return State;
    }

    /// <inheritdoc/>
    public async Task DepositResolvedAsync(PaymentHash paymentHash, DepositResolution resolution)
    {
        if (State.DepositResolvedAt is not null) return;
        submission.State = State with
        {
            Deposit = resolution == DepositResolution.Forfeited ? DepositStatus.Forfeited : DepositStatus.Refunded,
            DepositResolvedAt = TimeProvider.GetUtcNow(),
        };
        await submission.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task RewardPaidAsync(PaymentHash paymentHash, Sats amountSat, Sats feeSat)
    {
        if (State.Received is not { } arrival) return;
        if (paymentHash == State.HoldbackPaymentHash)
        {
            if (State.Holdback != HoldbackStatus.Paid)
            {
                submission.State = State with { Holdback = HoldbackStatus.Paid };
                await submission.WriteStateAsync();
            }
            await GrainFactory.GetGrain<IBountyGrain>(arrival.BountyId).HoldbackPaidAsync(GetPrimaryKeyString());
            return;
        }
        if (State.Reward != RewardStatus.Paid)
        {
            submission.State = State with { Reward = RewardStatus.Paid, ClaimPaymentHash = paymentHash, RewardPaidAt = TimeProvider.GetUtcNow() };
            await submission.WriteStateAsync();
        }
        // Idempotent on the bounty too, so a re-run after a crash between the two writes completes it.
        await GrainFactory.GetGrain<IBountyGrain>(arrival.BountyId).PayoutPaidAsync(GetPrimaryKeyString(), State.FirstClaimSat);
    }

    /// <inheritdoc/>
    public async Task RewardFailedAsync(PaymentHash paymentHash, string reason)
    {
        if (State.Holdback == HoldbackStatus.Paying && State.HoldbackPaymentHash == paymentHash)
        {
            submission.State = State with { Holdback = HoldbackStatus.Released, HoldbackClaimFailure = reason };
            await submission.WriteStateAsync();
            return;
        }
        if (State.Reward != RewardStatus.Paying || State.ClaimPaymentHash != paymentHash) return;
        submission.State = State with { Reward = RewardStatus.Owed, ClaimFailure = reason };
        await submission.WriteStateAsync();
    }
}
