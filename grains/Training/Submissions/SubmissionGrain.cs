using L402Train.Lightning;
using L402Train.Grains.Payments;
using L402Train.Runtime;

namespace L402Train.Grains.Training;

/// <summary>One gradient submission, keyed by its id (the deposit's payment hash).</summary>
[Alias("l402.ISubmissionGrain")]
public interface ISubmissionGrain : IDepositOwner, IRewardOwner
{
    /// <summary>Records the arrival (idempotent), registers it with its round and queues validation.</summary>
    Task<SubmissionState> CreateAsync(NewSubmission submission);

    /// <summary>The state; <see cref="SubmissionState.Received"/> is null for an unknown id.</summary>
    Task<SubmissionState> GetAsync();

    /// <summary>Records the verdict once, queues the deposit's settle or cancel and grants the reward.</summary>
    Task<SubmissionState> RecordVerdictAsync(SubmissionVerdict verdict, double validationCpuMs);

    /// <summary>Queues payment of a claim invoice for exactly the reward owed.</summary>
    Task<ClaimOutcome> ClaimAsync(PaymentHash paymentHash, string bolt11, Sats amountSat, Sats maxFeeSat);

    /// <summary>
    /// A paid upload the gateway refused before filing it (empty or over the size limit): no
    /// validator spent anything, so the deposit is refunded at once instead of staying held
    /// until its HTLC expires. Idempotent; does nothing once the id is filed.
    /// </summary>
    Task RefuseAsync(string tokenIdHex, Sats depositSat, string reason);
}

/// <inheritdoc cref="ISubmissionGrain"/>
[GrainType("submission")]
public sealed class SubmissionGrain([PersistentState("submission")] IPersistentState<SubmissionState> submission) : OutboxGrain, ISubmissionGrain
{
    /// <summary>Owner kind of submissions in payment jobs.</summary>
    public const string OwnerKind = "submission";

    /// <inheritdoc/>
    public async Task<SubmissionState> CreateAsync(NewSubmission arrival)
    {
        ArgumentNullException.ThrowIfNull(arrival);
        if (submission.RecordExists) return submission.State;
        var id = GetPrimaryKeyString();
        var admission = await GrainFactory.GetGrain<IRoundGrain>(arrival.Round)
            .AdmitAsync(id, arrival.PeerId, arrival.ContentHash);
        submission.State = new SubmissionState
        {
            Received = arrival, Sequence = admission.Sequence, ReceivedAt = TimeProvider.GetUtcNow(),
        };
        EnqueueJob(TrainingJobTypes.ValidateSubmission, id, new SubmissionJob(id));
        await submission.WriteStateAsync();
        await GrainFactory.GetGrain<IPeerGrain>(arrival.PeerId).SubmittedAsync(id, arrival.DepositSat);
        return submission.State;
    }

    /// <inheritdoc/>
    public Task<SubmissionState> GetAsync() => Task.FromResult(submission.State);

    /// <inheritdoc/>
    public async Task<SubmissionState> RecordVerdictAsync(SubmissionVerdict verdict, double validationCpuMs)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var state = submission.State;
        var arrival = state.Received ?? throw new InvalidOperationException($"Submission {GetPrimaryKeyString()} does not exist.");
        if (state.Verdict is not null) return state;

        var id = GetPrimaryKeyString();
        var reward = Sats.Zero;
        if (state.Sequence > 0)
            reward = await GrainFactory.GetGrain<IRoundGrain>(arrival.Round).RecordVerdictAsync(id, verdict);
        var deposit = new DepositJob(arrival.PaymentHash, arrival.TokenIdHex, InvoicePurpose.GradientDeposit, arrival.DepositSat, OwnerKind, id);
        if (verdict.Deposit != DepositAction.None) EnqueueJob(deposit.ToRequest(forfeit: verdict.Deposit == DepositAction.Forfeit));
        submission.State = state with
        {
            Verdict = verdict, DecidedAt = TimeProvider.GetUtcNow(), ValidationCpuMs = validationCpuMs,
            Money = state.Money.DepositDecided(verdict.Deposit, expired: verdict.Reason == VerdictReason.DepositExpired).Granted(reward),
        };
        await submission.WriteStateAsync();
        TrainingMetrics.Decided(verdict.Reason, reward);
        await GrainFactory.GetGrain<IPeerGrain>(arrival.PeerId).DecidedAsync(id, verdict.Reason, reward);
        return submission.State;
    }

    /// <inheritdoc/>
    public async Task<ClaimOutcome> ClaimAsync(PaymentHash paymentHash, string bolt11, Sats amountSat, Sats maxFeeSat)
    {
        var state = submission.State;
        if (state.Verdict is null) return ClaimOutcome.NotDecided;
        var claim = state.Money.Claim(paymentHash, amountSat);
        if (claim.Outcome != ClaimOutcome.Queued) return claim.Outcome;

        EnqueueJob(new RewardJob(paymentHash, bolt11, amountSat, maxFeeSat, InvoicePurpose.TrainingReward, OwnerKind, GetPrimaryKeyString()).ToRequest());
        submission.State = state with { Money = claim.Money };
        await submission.WriteStateAsync();
        return ClaimOutcome.Queued;
    }

    /// <inheritdoc/>
    public async Task RefuseAsync(string tokenIdHex, Sats depositSat, string reason)
    {
        if (submission.RecordExists) return;
        var id = GetPrimaryKeyString();
        EnqueueJob(new DepositJob(PaymentHash.FromHex(id), tokenIdHex, InvoicePurpose.GradientDeposit, depositSat, OwnerKind, id).ToRequest(forfeit: false));
        submission.State = new SubmissionState { Refused = reason, ReceivedAt = TimeProvider.GetUtcNow(), Money = new SubmissionMoney().DepositDecided(DepositAction.Refund) };
        await submission.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task DepositResolvedAsync(PaymentHash paymentHash, DepositResolution resolution)
    {
        var state = submission.State;
        if (state.Money.Deposit.ResolvedAt is not null) return;
        submission.State = state with { Money = state.Money.DepositResolved(resolution, TimeProvider.GetUtcNow()) };
        await submission.WriteStateAsync();
        if (state.Received is { } arrival && resolution == DepositResolution.Forfeited)
            await GrainFactory.GetGrain<IPeerGrain>(arrival.PeerId).ForfeitedAsync(GetPrimaryKeyString(), arrival.DepositSat);
    }

    /// <inheritdoc/>
    public async Task RewardPaidAsync(PaymentHash paymentHash, Sats amountSat, Sats feeSat)
    {
        var state = submission.State;
        if (state.Money.Reward.Status == RewardStatus.Paid) return;
        submission.State = state with { Money = state.Money.Paid(paymentHash, TimeProvider.GetUtcNow()) };
        await submission.WriteStateAsync();
        if (state.Received is { } arrival)
            await GrainFactory.GetGrain<IPeerGrain>(arrival.PeerId).RewardPaidAsync(GetPrimaryKeyString(), amountSat);
    }

    /// <inheritdoc/>
    public async Task RewardFailedAsync(PaymentHash paymentHash, string reason)
    {
        var state = submission.State;
        var failed = state.Money.PaymentFailed(paymentHash, reason);
        if (failed == state.Money) return;
        submission.State = state with { Money = failed };
        await submission.WriteStateAsync();
    }
}
