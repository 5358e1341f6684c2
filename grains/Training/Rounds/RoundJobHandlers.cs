using L402Train.Compression;
using L402Train.Runtime;
using L402Train.Model.Gpt;

namespace L402Train.Grains.Training;

/// <summary>Closes a round when its deadline job fires (idempotent).</summary>
internal sealed class CloseRoundHandler : IJobHandler
{
    /// <inheritdoc/>
    public Task HandleAsync(JobContext job, CancellationToken cancellationToken) =>
        job.Grains.GetGrain<IRoundGrain>(job.Payload<RoundJob>().Round).CloseAsync();
}

/// <summary>
/// Aggregates a closed round once every verdict is in: the accepted submissions are aggregated
/// SparseLoCo's way (median-norm clipping, per-coordinate mean, the whole bounded by the
/// schedule's <see cref="RewardSchedule.OuterStepNormLimit"/>; deterministic for any arrival order), the outer step (<see cref="OuterStep"/>: plain SGD, or with the momentum carried in
/// the checkpoint's momentum blob) is applied to the base weights, the new version is written to the blob
/// store and the next round opens. With nothing accepted the next round keeps the same version.
/// </summary>
internal sealed class AggregateRoundHandler(
    SubmissionValidator validator,
    HeldOutSet heldOut,
    ICheckpointStore checkpoints,
    IGradientStore gradients,
    RewardSchedule schedule) : IJobHandler
{
    private readonly OuterStep outerStep = new(validator.Setup, schedule);

    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        var number = job.Payload<RoundJob>().Round;
        var roundGrain = job.Grains.GetGrain<IRoundGrain>(number);
        var runGrain = job.Grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey);
        var round = await roundGrain.GetAsync();
        var run = await runGrain.GetAsync();
        if (round.Status == RoundStatus.Open) throw new InvalidOperationException($"Round {number} is still open.");
        if (round.Pending > 0) throw new InvalidOperationException($"Round {number} still waits for {round.Pending} verdicts.");

        var baseCheckpoint = run.Checkpoints.Last(c => c.Version == round.BaseVersion);
        if (round.Status == RoundStatus.Aggregated)
        {
            // A crash after the round recorded its result: finish advancing the run (idempotent).
            var produced = run.Checkpoints.LastOrDefault(c => c.Version == round.NextVersion) ?? baseCheckpoint;
            await runGrain.AdvanceAsync(number, produced);
            return;
        }

        var weights = (await checkpoints.LoadAsync(baseCheckpoint, cancellationToken)).Clone();
        var model = GptModel.FromParameters(validator.Setup.Config, weights);
        var batches = heldOut.ForRound(number);
        var lossBefore = model.EvaluateLoss(batches);

        var accepted = await LoadAsync(job, round, VerdictReason.Accepted, cancellationToken);

        var next = baseCheckpoint;
        var lossAfter = lossBefore;
        if (accepted.Count > 0)
        {
            var update = SparseLoCoAggregator.Aggregate(accepted, maxDegreeOfParallelism: 1, maxNormToMedian: schedule.OuterStepNormLimit);
            var momentum = outerStep.UsesMomentum && baseCheckpoint.MomentumBlobHash is { } hash
                ? await checkpoints.LoadAsync(baseCheckpoint with { BlobHash = hash }, cancellationToken)
                : null;
            var stepped = outerStep.Apply(model.Parameters, momentum, update.Tensors);
            model.Restore(stepped.Weights);
            lossAfter = model.EvaluateLoss(batches);
            next = await checkpoints.SaveAsync(stepped.Weights, round.BaseVersion + 1, number, cancellationToken);
            if (stepped.Momentum is { } carried)
                next = next with { MomentumBlobHash = (await checkpoints.SaveAsync(carried, next.Version, number, cancellationToken)).BlobHash };
        }
        // The next round's random directions take the size of this round's accepted updates; with none accepted, of
        // its honest ones below τ (a run started from a trained checkpoint); with neither, the last known size.
        var sized = accepted.Count > 0 ? accepted : await LoadAsync(job, round, VerdictReason.BelowThreshold, cancellationToken);
        var norms = sized.Count > 0 ? RandomDirectionBaseline.MedianNorms([.. sized.Select(a => a.Submission)])
            : number > 1 ? (await job.Grains.GetGrain<IRoundGrain>(number - 1).GetAsync()).AcceptedMedianNorms : null;
        if (norms is not null) await roundGrain.SetAcceptedMedianNormsAsync(norms);
        await roundGrain.CompleteAggregationAsync(next.Version, lossBefore, lossAfter);
        await runGrain.AdvanceAsync(number, next);
    }

    private async Task<List<PeerSubmission>> LoadAsync(JobContext job, RoundState round, VerdictReason reason, CancellationToken cancellationToken)
    {
        var updates = new List<PeerSubmission>();
        foreach (var entry in round.Submissions.Where(s => s.Reason == reason))
        {
            var submission = await job.Grains.GetGrain<ISubmissionGrain>(entry.Id).GetAsync();
            var payload = await gradients.LoadAsync(submission.Received!.BlobHash, cancellationToken);
            var decoded = validator.TryDecode(payload, out var error)
                ?? throw new InvalidOperationException($"{reason} submission {entry.Id} no longer decodes: {error}");
            updates.Add(new PeerSubmission(entry.Id, decoded.Submission));
        }
        return updates;
    }
}
