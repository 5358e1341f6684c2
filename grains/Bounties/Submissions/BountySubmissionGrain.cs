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
            CommitSequence = admission.CommitSequence, VersionAtArrival = admission.VersionAtArrival,
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
        submission.State = new BountySubmissionState { Received = arrival, ReceivedAt = TimeProvider.GetUtcNow() };
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
        var held = merge?.HoldbackSat ?? Sats.Zero;
        if (held > Sats.Zero)
            EnqueueJob(BountyJobTypes.Holdback, id, new BountySubmissionJob(id), merge!.HoldbackDueAt);
        submission.State = State with
        {
            Verdict = verdict, DecidedAt = TimeProvider.GetUtcNow(), NewVersion = merge?.Version,
            Money = State.Money.DepositDecided(verdict.Deposit).Granted(reward, merge?.FeeSat ?? Sats.Zero, held, merge?.HoldbackDueAt),
        };
        await submission.WriteStateAsync();
        BountyMetrics.Decided(verdict.Reason, reward);
        return State;
    }

    /// <inheritdoc/>
    public async Task<ClaimOutcome> ClaimAsync(PaymentHash paymentHash, string bolt11, Sats amountSat, Sats maxFeeSat)
    {
        if (State.Verdict is null) return ClaimOutcome.NotDecided;
        // The first part (payout less holdback) while it is owed; then the holdback, once it held up.
        var claim = State.Money.Claim(paymentHash, amountSat);
        if (claim.Outcome != ClaimOutcome.Queued) return claim.Outcome;

        var purpose = claim.Part == ClaimPart.Holdback ? InvoicePurpose.BountyHoldback : InvoicePurpose.BountyPayout;
        EnqueueJob(new RewardJob(paymentHash, bolt11, amountSat, maxFeeSat, purpose, OwnerKind, GetPrimaryKeyString()).ToRequest());
        submission.State = State with { Money = claim.Money };
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
            submission.State = State with { Money = State.Money.HoldbackResolved(heldUp, detail, TimeProvider.GetUtcNow()) };
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
        if (State.Money.Deposit.ResolvedAt is not null) return;
        submission.State = State with { Money = State.Money.DepositResolved(resolution, TimeProvider.GetUtcNow()) };
        await submission.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task RewardPaidAsync(PaymentHash paymentHash, Sats amountSat, Sats feeSat)
    {
        if (State.Received is not { } arrival) return;
        var paid = State.Money.Paid(paymentHash, TimeProvider.GetUtcNow());
        if (paid != State.Money)
        {
            submission.State = State with { Money = paid };
            await submission.WriteStateAsync();
        }
        // Idempotent on the bounty too, so a re-run after a crash between the two writes completes it.
        var bounty = GrainFactory.GetGrain<IBountyGrain>(arrival.BountyId);
        if (State.Money.PartPaidBy(paymentHash) == ClaimPart.Holdback) await bounty.HoldbackPaidAsync(GetPrimaryKeyString());
        else await bounty.PayoutPaidAsync(GetPrimaryKeyString(), State.FirstClaimSat);
    }

    /// <inheritdoc/>
    public async Task RewardFailedAsync(PaymentHash paymentHash, string reason)
    {
        var failed = State.Money.PaymentFailed(paymentHash, reason);
        if (failed == State.Money) return;
        submission.State = State with { Money = failed };
        await submission.WriteStateAsync();
    }
}
