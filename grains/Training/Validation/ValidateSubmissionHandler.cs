using System.Globalization;
using L402Train.Compression;
using L402Train.Grains.Runtime;
using L402Train.Lightning;
using L402Train.Model.Gpt;

namespace L402Train.Grains.Training;

/// <summary>
/// The validator-role job: gathers what <see cref="SubmissionValidator"/> needs (deposit state,
/// round, payload, earlier payloads, base weights, before-losses), decides, and records the
/// verdict on the submission grain, which queues the money. Re-running it after a crash is safe:
/// a decided submission is left alone, and every input is deterministic.
/// </summary>
public sealed class ValidateSubmissionHandler(
    SubmissionValidator validator,
    HeldOutSet heldOut,
    ICheckpointStore checkpoints,
    IGradientStore gradients,
    ILightningNode node) : IJobHandler
{
    // One model per handler: scoring is CPU-bound, and evaluation is bit-identical across thread counts.
    private readonly SemaphoreSlim scoring = new(1, 1);
    private GptModel? model;

    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        var id = job.Payload<SubmissionJob>().SubmissionId;
        var grain = job.Grains.GetGrain<ISubmissionGrain>(id);
        var state = await grain.GetAsync();
        if (state.Verdict is not null || state.Received is not { } arrival) return;
        var started = job.Time.GetTimestamp();

        var verdict = await DecideAsync(job, id, arrival, cancellationToken);
        var elapsedMs = job.Time.GetElapsedTime(started).TotalMilliseconds;
        await grain.RecordVerdictAsync(verdict, elapsedMs);
    }

    private async Task<SubmissionVerdict> DecideAsync(JobContext job, string id, NewSubmission arrival, CancellationToken cancellationToken)
    {
        var deposit = await node.LookupInvoiceAsync(PaymentHash.FromHex(arrival.PaymentHash), cancellationToken);
        if (deposit is null || deposit.State == InvoiceState.Canceled)
            return SubmissionVerdict.Rejected(VerdictReason.DepositExpired, "the deposit's hold invoice was cancelled before validation finished; it has been refunded");

        var roundKey = arrival.Round.ToString(CultureInfo.InvariantCulture);
        var roundGrain = job.Grains.GetGrain<IRoundGrain>(roundKey);
        var admission = await roundGrain.AdmitAsync(id, arrival.PeerId, arrival.ContentHash);
        var payload = await gradients.LoadAsync(arrival.BlobHash, cancellationToken);
        var earlier = await EarlierPayloadsAsync(job, admission, cancellationToken);
        var rejection = validator.Screen(arrival, admission, payload, earlier, out var decoded);
        if (rejection is not null) return rejection;

        var round = await roundGrain.GetAsync();
        var run = await job.Grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).GetAsync();
        var checkpoint = run.Checkpoints.Last(c => c.Version == round.BaseVersion);
        var weights = await checkpoints.LoadAsync(checkpoint, cancellationToken);
        var batches = heldOut.ForRound(arrival.Round);

        await scoring.WaitAsync(cancellationToken);
        try
        {
            model ??= GptModel.FromParameters(validator.Setup.Config, weights.Clone(), threads: 0);
            var before = round.BeforeLosses;
            if (before is null)
            {
                model.Restore(weights);
                before = await roundGrain.SetBeforeLossesAsync(SubmissionValidator.Losses(model, batches));
            }
            return validator.Score(model, weights, decoded!, batches, before);
        }
        finally
        {
            scoring.Release();
        }
    }

    private async Task<List<(string Id, DecodedPayload Payload)>> EarlierPayloadsAsync(JobContext job, RoundAdmission admission, CancellationToken cancellationToken)
    {
        var earlier = new List<(string, DecodedPayload)>();
        foreach (var otherId in admission.Earlier)
        {
            var other = await job.Grains.GetGrain<ISubmissionGrain>(otherId).GetAsync();
            if (other.Received is not { } received) continue;
            if (other.Verdict is { Reason: VerdictReason.Malformed or VerdictReason.Oversize or VerdictReason.Stale }) continue;
            var decoded = validator.TryDecode(await gradients.LoadAsync(received.BlobHash, cancellationToken), out _);
            if (decoded is not null) earlier.Add((otherId, decoded));
        }
        return earlier;
    }
}
