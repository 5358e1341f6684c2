using L402Train.Lightning;
using L402Train.Runtime;

namespace L402Train.Grains.Training;

/// <summary>A training round, keyed by its number.</summary>
[Alias("l402.IRoundGrain")]
public interface IRoundGrain : IGrainWithIntegerKey
{
    /// <summary>Opens the round (idempotent) and schedules its close at the deadline.</summary>
    Task<RoundState> OpenAsync(int baseVersion, string baseCheckpoint, DateTimeOffset deadline);

    /// <summary>The round's state.</summary>
    Task<RoundState> GetAsync();

    /// <summary>Registers a submission (idempotent by id) and says whether it is on time and unique.</summary>
    Task<RoundAdmission> AdmitAsync(string submissionId, string peerId, string contentHash);

    /// <summary>Stores the before-losses unless some are stored; returns the stored ones.</summary>
    Task<double[]> SetBeforeLossesAsync(double[] losses);

    /// <summary>Stores the round's τ unless one is stored; returns the stored one.</summary>
    Task<RoundThreshold> SetThresholdAsync(RoundThreshold threshold);

    /// <summary>Stores the accepted updates' median norms (for the next round's baseline) unless some are stored. Idempotent.</summary>
    Task SetAcceptedMedianNormsAsync(double[] norms);

    /// <summary>Records a verdict and grants its reward from what is left of the budget; returns the reward.</summary>
    Task<Sats> RecordVerdictAsync(string submissionId, SubmissionVerdict verdict);

    /// <summary>Stops accepting (deadline or quota) and schedules aggregation. Idempotent.</summary>
    Task CloseAsync();

    /// <summary>Records the outer step's result. Idempotent.</summary>
    Task CompleteAggregationAsync(int nextVersion, double lossBefore, double lossAfter);
}

/// <inheritdoc cref="IRoundGrain"/>
[GrainType("round")]
internal sealed class RoundGrain([PersistentState("round")] IPersistentState<RoundState> round, RewardSchedule schedule) : OutboxGrain, IRoundGrain
{
    /// <inheritdoc/>
    public async Task<RoundState> OpenAsync(int baseVersion, string baseCheckpoint, DateTimeOffset deadline)
    {
        if (round.RecordExists) return round.State;
        var number = int.Parse(GetPrimaryKeyString(), System.Globalization.CultureInfo.InvariantCulture);
        round.State = new RoundState
        {
            Number = number, Status = RoundStatus.Open, BaseVersion = baseVersion, BaseCheckpoint = baseCheckpoint,
            OpenedAt = TimeProvider.GetUtcNow(), Deadline = deadline,
        };
        EnqueueJob(TrainingJobTypes.CloseRound, GetPrimaryKeyString(), new RoundJob(number), deadline);
        await round.WriteStateAsync();
        return round.State;
    }

    /// <inheritdoc/>
    public Task<RoundState> GetAsync() => Task.FromResult(round.State);

    /// <inheritdoc/>
    public async Task<RoundAdmission> AdmitAsync(string submissionId, string peerId, string contentHash)
    {
        var state = round.State;
        var existing = state.Submissions.FindIndex(s => s.Id == submissionId);
        if (existing < 0)
        {
            if (state.Status != RoundStatus.Open)
                return new RoundAdmission(0, false, state.BaseVersion, null, []);
            var entry = new RoundEntry(submissionId, peerId, state.Submissions.Count + 1, contentHash, null, 0, Sats.Zero);
            round.State = state = state with { Submissions = [.. state.Submissions, entry] };
            await round.WriteStateAsync();
            existing = state.Submissions.Count - 1;
        }
        var me = state.Submissions[existing];
        var earlier = state.Submissions.Take(existing).ToList();
        var duplicateOf = earlier.FirstOrDefault(s => s.ContentHash == contentHash)?.Id;
        return new RoundAdmission(me.Sequence, true, state.BaseVersion, duplicateOf, [.. earlier.Select(s => s.Id)]);
    }

    /// <inheritdoc/>
    public async Task<double[]> SetBeforeLossesAsync(double[] losses)
    {
        if (round.State.BeforeLosses is { } stored) return stored;
        round.State = round.State with { BeforeLosses = losses };
        await round.WriteStateAsync();
        return losses;
    }

    /// <inheritdoc/>
    public async Task<RoundThreshold> SetThresholdAsync(RoundThreshold threshold)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        if (round.State.Threshold is { } stored) return stored;
        round.State = round.State with { Threshold = threshold };
        await round.WriteStateAsync();
        return threshold;
    }

    /// <inheritdoc/>
    public async Task SetAcceptedMedianNormsAsync(double[] norms)
    {
        ArgumentNullException.ThrowIfNull(norms);
        if (round.State.AcceptedMedianNorms is not null) return;
        round.State = round.State with { AcceptedMedianNorms = norms };
        await round.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task<Sats> RecordVerdictAsync(string submissionId, SubmissionVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var state = round.State;
        var index = state.Submissions.FindIndex(s => s.Id == submissionId);
        if (index < 0) throw new InvalidOperationException($"Submission {submissionId} is not part of round {state.Number}.");
        var entry = state.Submissions[index];
        if (entry.Reason is not null) return entry.RewardSat;

        var reward = new Sats(SignificanceGate.Reward(verdict, schedule, schedule.RoundBudgetSat - state.RewardsGrantedSat.Value));
        var submissions = state.Submissions.ToList();
        submissions[index] = entry with { Reason = verdict.Reason, Score = verdict.Score, RewardSat = reward };
        state = state with { Submissions = submissions, RewardsGrantedSat = state.RewardsGrantedSat + reward };
        if (state.Status == RoundStatus.Open && schedule.RoundQuota > 0 && submissions.Count(s => s.Reason is not null) >= schedule.RoundQuota)
            state = Close(state);
        else if (state.Status == RoundStatus.Closing && state.Pending == 0)
            EnqueueAggregation(state.Number);
        round.State = state;
        await round.WriteStateAsync();
        return reward;
    }

    /// <inheritdoc/>
    public async Task CloseAsync()
    {
        if (round.State.Status != RoundStatus.Open) return;
        round.State = Close(round.State);
        await round.WriteStateAsync();
    }

    // Aggregation waits for every verdict: it is queued at close when none is pending, else by the last verdict.
    private RoundState Close(RoundState state)
    {
        if (state.Pending == 0) EnqueueAggregation(state.Number);
        return state with { Status = RoundStatus.Closing, ClosedAt = TimeProvider.GetUtcNow() };
    }

    private void EnqueueAggregation(int number) =>
        EnqueueJob(TrainingJobTypes.AggregateRound, number.ToString(System.Globalization.CultureInfo.InvariantCulture), new RoundJob(number));

    /// <inheritdoc/>
    public async Task CompleteAggregationAsync(int nextVersion, double lossBefore, double lossAfter)
    {
        if (round.State.Status == RoundStatus.Aggregated) return;
        round.State = round.State with
        {
            Status = RoundStatus.Aggregated, NextVersion = nextVersion, LossBefore = lossBefore, LossAfter = lossAfter,
            AggregatedAt = TimeProvider.GetUtcNow(),
        };
        await round.WriteStateAsync();
        TrainingMetrics.Aggregated(round.State);
    }
}
