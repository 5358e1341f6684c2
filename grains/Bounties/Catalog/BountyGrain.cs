using L402Train.Lightning;
using L402Train.Grains.Payments;
using L402Train.Runtime;

namespace L402Train.Grains.Bounties.Catalog;

/// <summary>
/// One bounty, keyed by its id: life cycle (awaiting funding → active → closed), the current best
/// (version, tree, scores), commitments, claims on diffs, the leaderboard and the pool. The merge
/// is the serialization point of the track: a verdict computed against a version that moved is
/// superseded here, never accepted.
/// </summary>
[Alias("l402.IBountyGrain")]
public interface IBountyGrain : IDepositOwner, IRewardOwner
{
    /// <summary>Records a posted bounty (idempotent) and queues the first funding check.</summary>
    Task<BountyState> CreateAsync(NewBounty bounty);

    /// <summary>The state; <see cref="BountyState.Posted"/> is null for an unknown id.</summary>
    Task<BountyState> GetAsync();

    /// <summary>The funding job's observation: activates, closes unfunded, or schedules the next check.</summary>
    Task<BountyState> FundingCheckedAsync(FundingObservation observation);

    /// <summary>Registers a commitment; the same commitment again returns the original.</summary>
    Task<CommitResult> CommitAsync(string commitment, string agent);

    /// <summary>Registers a submission's claim on its diff (idempotent by submission id).</summary>
    Task<SubmissionAdmission> AdmitAsync(string submissionId, string diffHash, string? commitment);

    /// <summary>Records the scores of the current best when it has none yet (the baseline's first scoring).</summary>
    Task<BountyState> RecordBestScoresAsync(int version, IReadOnlyList<double> publicScores, IReadOnlyList<double> heldOutScores);

    /// <summary>Merges a validated improvement as version + 1 and grants its reward (idempotent by submission id).</summary>
    Task<MergeResult> MergeAsync(MergeRequest request);

    /// <summary>An agent's reward was paid (idempotent).</summary>
    Task PayoutPaidAsync(string submissionId, Sats netSat);

    /// <summary>Closes the bounty (deadline, exhausted); a no-op when closed.</summary>
    Task<BountyState> CloseAsync(BountyCloseReason reason);

    /// <summary>The sponsor's cancel: closes and refunds what is left through the reward job.</summary>
    Task<CancelResult> CancelAsync(RefundRequest? refund);

    /// <summary>The holdback re-evaluation's outcome: released (owed to the agent) or forfeited (back to the pool); idempotent.</summary>
    Task HoldbackResolvedAsync(string submissionId, bool released);

    /// <summary>An agent's holdback claim was paid (idempotent).</summary>
    Task HoldbackPaidAsync(string submissionId);
}

/// <inheritdoc cref="IBountyGrain"/>
[GrainType("bounty")]
internal sealed partial class BountyGrain(
    [PersistentState("bounty")] IPersistentState<BountyState> bounty,
    BountyRules rules) : OutboxGrain, IBountyGrain
{
    /// <summary>Owner kind of bounties in payment jobs (the sponsor refund).</summary>
    public const string OwnerKind = "bounty";

    private BountyState State => bounty.State;

    private BountyTerms Terms => State.Posted?.Terms ?? throw new InvalidOperationException($"Bounty {GetPrimaryKeyString()} does not exist.");

    /// <inheritdoc/>
    public async Task<BountyState> CreateAsync(NewBounty posted)
    {
        ArgumentNullException.ThrowIfNull(posted);
        if (bounty.RecordExists && State.Posted is not null) return State;
        var now = TimeProvider.GetUtcNow();
        bounty.State = new BountyState
        {
            Posted = posted, Status = BountyStatus.AwaitingFunding, CreatedAt = now,
            Version = 0, BestBlob = posted.BaselineBlob, Pool = new BountyPool(posted.Terms.TotalSat),
            // Secret per bounty: an agent cannot pick a seed's sample to fit, and every tree meets the same samples.
            EvalSeeds = [.. Enumerable.Range(0, posted.Terms.BaselineRuns).Select(_ => System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, int.MaxValue))],
        };
        ScheduleFundingCheck(0, now);
        await bounty.WriteStateAsync();
        return State;
    }

    /// <inheritdoc/>
    public Task<BountyState> GetAsync() => Task.FromResult(State);

    /// <inheritdoc/>
    public async Task<BountyState> FundingCheckedAsync(FundingObservation observation)
    {
        if (State.Posted is null || State.Status != BountyStatus.AwaitingFunding) return State;
        var id = GetPrimaryKeyString();
        var now = TimeProvider.GetUtcNow();
        switch (observation)
        {
            case FundingObservation.Settled:
                bounty.State = State with { Status = BountyStatus.Active, FundedAt = now };
                EnqueueJob(BountyJobTypes.Close, id, new BountyJob(id), Terms.Deadline);
                EnqueueJob(BountyJobTypes.ScoreBaseline, id, new BountyJob(id));
                break;
            case FundingObservation.Expired:
                // Nothing was received: the pool is empty, so nothing can be granted or refunded.
                bounty.State = Closed(State with { Pool = new BountyPool(Sats.Zero) }, BountyCloseReason.FundingExpired, now);
                break;
            default:
                bounty.State = State with { FundingChecks = State.FundingChecks + 1 };
                ScheduleFundingCheck(State.FundingChecks, now + rules.FundingPollInterval);
                break;
        }
        await bounty.WriteStateAsync();
        return State;
    }

    /// <inheritdoc/>
    public async Task<CommitResult> CommitAsync(string commitment, string agent)
    {
        if (State.Commitments.FirstOrDefault(c => c.Commitment == commitment) is { } existing) return new CommitResult(existing, false);
        if (State.Posted is null || State.Status == BountyStatus.Closed) return new CommitResult(null, false);
        var record = new CommitmentRecord(commitment, State.Commitments.Count + 1, agent, TimeProvider.GetUtcNow());
        bounty.State = State with { Commitments = [.. State.Commitments, record] };
        await bounty.WriteStateAsync();
        return new CommitResult(record, true);
    }

    /// <inheritdoc/>
    public async Task<SubmissionAdmission> AdmitAsync(string submissionId, string diffHash, string? commitment)
    {
        if (State.Claims.FirstOrDefault(c => c.SubmissionId == submissionId) is { } known)
            return new SubmissionAdmission(true, known.ArrivalSequence, known.CommitSequence, known.VersionAtArrival);
        if (State.Status != BountyStatus.Active) return new SubmissionAdmission(false, 0, null, State.Version);
        var sequence = commitment is null ? null : State.Commitments.FirstOrDefault(c => c.Commitment == commitment)?.Sequence;
        var claim = new DiffClaim(diffHash, submissionId, sequence, State.Claims.Count + 1, State.Version);
        bounty.State = State with { Claims = [.. State.Claims, claim] };
        await bounty.WriteStateAsync();
        return new SubmissionAdmission(true, claim.ArrivalSequence, claim.CommitSequence, claim.VersionAtArrival);
    }

    /// <inheritdoc/>
    public async Task<BountyState> RecordBestScoresAsync(int version, IReadOnlyList<double> publicScores, IReadOnlyList<double> heldOutScores)
    {
        ArgumentNullException.ThrowIfNull(publicScores);
        ArgumentNullException.ThrowIfNull(heldOutScores);
        if (version != State.Version || State.BestHeldOutScores is not null) return State;
        if (heldOutScores.Count == 0) throw new ArgumentException("the current best needs at least one held-out score", nameof(heldOutScores));
        bounty.State = State with
        {
            BestPublicScores = [.. publicScores], BestHeldOutScores = [.. heldOutScores],
            BaselineScore = version == 0 ? heldOutScores.Average() : State.BaselineScore,
            // The noise floor: the spread of the baseline's own reruns (one per seed) on the held-out set.
            NoiseSigma = version == 0 && heldOutScores.Count >= 2 ? StandardDeviation(heldOutScores) : State.NoiseSigma,
            NoiseRuns = version == 0 && heldOutScores.Count >= 2 ? heldOutScores.Count : State.NoiseRuns,
        };
        await bounty.WriteStateAsync();
        return State;
    }

    /// <inheritdoc/>
    public async Task<MergeResult> MergeAsync(MergeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State.Leaderboard.FirstOrDefault(e => e.SubmissionId == request.SubmissionId) is { } merged)
        {
            await PostFeeAsync(merged);
            return new MergeResult(MergeOutcome.Merged, merged.Version, merged.RewardSat, merged.FeeSat, merged.HoldbackSat, merged.HoldbackDueAt);
        }
        if (State.Status != BountyStatus.Active) return new MergeResult(MergeOutcome.Closed, State.Version, Sats.Zero, Sats.Zero);
        if (request.BaseVersion != State.Version) return new MergeResult(MergeOutcome.Superseded, State.Version, Sats.Zero, Sats.Zero);

        var now = TimeProvider.GetUtcNow();
        var (pool, reward, fee, held) = State.Pool.Grant(new Sats(Terms.RewardFor(request.Improvement)), State.Posted!.CoordinatorFeePct, Terms.HoldbackPct);
        var entry = new LeaderboardEntry(request.SubmissionId, request.Agent, State.Version + 1,
            request.PublicScores.Average(), request.HeldOutScores.Average(), request.Improvement, reward, fee, now, request.TreeBlob,
            HoldbackSat: held, HoldbackDueAt: held > Sats.Zero ? now + Terms.HoldbackDelay : null, Holdback: held > Sats.Zero ? HoldbackStatus.Held : HoldbackStatus.None);
        var next = State with
        {
            Version = entry.Version, BestBlob = request.TreeBlob,
            BestPublicScores = [.. request.PublicScores], BestHeldOutScores = [.. request.HeldOutScores],
            Pool = pool, Leaderboard = [.. State.Leaderboard, entry],
        };
        bounty.State = pool.RemainingSat == Sats.Zero ? Closed(next, BountyCloseReason.PoolExhausted, now)
            : Terms.Reaches(entry.HeldOutScore) ? Closed(next, BountyCloseReason.TargetReached, now)
            : next;
        await bounty.WriteStateAsync();
        await PostFeeAsync(entry);
        return new MergeResult(MergeOutcome.Merged, entry.Version, reward, fee, held, entry.HoldbackDueAt);
    }

    /// <inheritdoc/>
    public async Task PayoutPaidAsync(string submissionId, Sats netSat)
    {
        var entry = State.Leaderboard.FirstOrDefault(e => e.SubmissionId == submissionId)
            ?? throw new InvalidOperationException($"Submission {submissionId} was not merged into bounty {GetPrimaryKeyString()}.");
        if (entry.Paid) return;
        bounty.State = State with
        {
            Pool = State.Pool.Paid(netSat),
            Leaderboard = [.. State.Leaderboard.Select(e => e.SubmissionId == submissionId ? e with { Paid = true } : e)],
        };
        await bounty.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task<BountyState> CloseAsync(BountyCloseReason reason)
    {
        if (State.Posted is null || State.Status == BountyStatus.Closed) return State;
        var now = TimeProvider.GetUtcNow();
        if (reason == BountyCloseReason.Deadline && now < Terms.Deadline)
            throw new InvalidOperationException($"Bounty {GetPrimaryKeyString()} closes at {Terms.Deadline:O}, not yet.");
        bounty.State = Closed(State, reason, now);
        await bounty.WriteStateAsync();
        return State;
    }

    // The fee moves no money on the node (it is part of the funding already received): the ledger
    // records it as kept, once per merged submission.
    private async Task PostFeeAsync(LeaderboardEntry entry)
    {
        if (entry.FeeSat == Sats.Zero) return;
        await GrainFactory.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).PostAsync(
            new Payments.LedgerEntry($"fee:{entry.SubmissionId}", InvoicePurpose.CoordinatorFee, Sats.Zero, Sats.Zero, $"{OwnerKind}/{GetPrimaryKeyString()}", entry.AcceptedAt)
            {
                KeptSat = entry.FeeSat,
            });
    }

    private static double StandardDeviation(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static BountyState Closed(BountyState state, BountyCloseReason reason, DateTimeOffset now) =>
        state with { Status = BountyStatus.Closed, ClosedReason = reason, ClosedAt = now };

    private void ScheduleFundingCheck(int check, DateTimeOffset runAt)
    {
        var id = GetPrimaryKeyString();
        EnqueueJob(BountyJobTypes.WatchFunding, $"{id}:{check}", new BountyJob(id), runAt);
    }
}
