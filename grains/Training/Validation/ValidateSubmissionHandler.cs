using System.Collections.Concurrent;
using L402Train.Compression;
using L402Train.Runtime;
using L402Train.Lightning;
using L402Train.Model.Gpt;
using L402Train.Model.Training;

namespace L402Train.Grains.Training;

/// <summary>
/// The validator-role job: gathers what <see cref="SubmissionValidator"/> needs (deposit state,
/// round, payload, earlier payloads, base weights, before-losses), decides, and records the
/// verdict on the submission grain, which queues the money. Re-running it after a crash is safe:
/// a decided submission is left alone, and every input is deterministic.
/// </summary>
/// <remarks>
/// The CPU time recorded with the verdict is the thread CPU time of the compute (decoding,
/// screening, scoring, and the round's before-losses and τ baseline for the submission that computed them), so
/// the validation overhead is a ratio of CPU, not of wall time on a busy machine. The compute runs
/// on dedicated threads, never blocking the thread pool the money jobs' continuations need. Decoded payloads
/// are kept per round by blob hash: the copycat screen compares each submission with every
/// earlier one, and decoding each of them again would make a round quadratic in decodes.
/// </remarks>
internal sealed class ValidateSubmissionHandler(
    SubmissionValidator validator,
    HeldOutSet heldOut,
    ICheckpointStore checkpoints,
    IGradientStore gradients,
    ILightningNode node,
    RewardSchedule schedule) : IJobHandler, IDeadLetterHandler
{
    // Single-threaded models, one per concurrent job: thread CPU time then covers all the work,
    // and evaluation is bit-identical for any thread count.
    private readonly ConcurrentBag<GptModel> models = [];
    private RoundCache cache = new(0);

    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        var id = job.Payload<SubmissionJob>().SubmissionId;
        var grain = job.Grains.GetGrain<ISubmissionGrain>(id);
        var state = await grain.GetAsync();
        if (state.Verdict is not null || state.Received is not { } arrival) return;

        var cpu = new CpuAccount();
        var verdict = await DecideAsync(job, id, arrival, cpu, cancellationToken);
        await grain.RecordVerdictAsync(verdict, cpu.Total.TotalMilliseconds);
    }

    /// <inheritdoc/>
    public Task OnDeadLetterAsync(JobContext job, string lastError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return TrainingValidatorError.DecideAsync(job.Grains, job.Payload<SubmissionJob>().SubmissionId);
    }

    private async Task<SubmissionVerdict> DecideAsync(JobContext job, string id, NewSubmission arrival, CpuAccount cpu, CancellationToken cancellationToken)
    {
        var deposit = await node.LookupInvoiceAsync(arrival.PaymentHash, cancellationToken);
        if (deposit is null || deposit.State == InvoiceState.Canceled)
            return SubmissionVerdict.Rejected(VerdictReason.DepositExpired, "the deposit's hold invoice was cancelled before validation finished; it has been refunded");

        var roundGrain = job.Grains.GetGrain<IRoundGrain>(arrival.Round);
        var admission = await roundGrain.AdmitAsync(id, arrival.PeerId, arrival.ContentHash);
        var round = CacheFor(arrival.Round);
        var payload = await gradients.LoadAsync(arrival.BlobHash, cancellationToken);
        var earlier = await EarlierPayloadsAsync(job, round, admission, cpu, cancellationToken);
        DecodedPayload? decoded = null;
        var rejection = await cpu.RunAsync(() => validator.Screen(arrival, admission, payload, earlier, out decoded));
        if (rejection is not null) return rejection;
        round.Decoded.TryAdd(arrival.BlobHash, decoded!);

        var roundState = await roundGrain.GetAsync();
        var run = await job.Grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).GetAsync();
        var checkpoint = run.Checkpoints.Last(c => c.Version == roundState.BaseVersion);
        var weights = await checkpoints.LoadAsync(checkpoint, cancellationToken);
        var batches = heldOut.ForRound(arrival.Round);

        var model = models.TryTake(out var pooled) ? pooled : GptModel.FromParameters(validator.Setup.Config, weights, threads: 1);
        try
        {
            var before = roundState.BeforeLosses ?? round.BeforeLosses ?? await BeforeLossesAsync(round, roundGrain, model, weights, batches, cpu, cancellationToken);
            var threshold = roundState.Threshold ?? round.Threshold
                ?? await ThresholdAsync(job, round, roundGrain, model, weights, batches, before, cpu, cancellationToken);
            return await cpu.RunAsync(() => validator.Score(model, weights, decoded!, batches, before, threshold));
        }
        finally
        {
            models.Add(model);
        }
    }

    // Once per round: concurrent first validations wait for the one computing them (another silo may compute its own; the round keeps the first).
    private static async Task<double[]> BeforeLossesAsync(RoundCache round, IRoundGrain roundGrain, GptModel model, Model.Tensors.ParameterSet weights,
        IReadOnlyList<Model.Training.TokenBatch> batches, CpuAccount cpu, CancellationToken cancellationToken)
    {
        await round.BeforeLossesGate.WaitAsync(cancellationToken);
        try
        {
            if (round.BeforeLosses is { } computed) return computed;
            model.Restore(weights);
            return round.BeforeLosses = await roundGrain.SetBeforeLossesAsync(await cpu.RunAsync(() => SubmissionValidator.Losses(model, batches)));
        }
        finally
        {
            round.BeforeLossesGate.Release();
        }
    }

    // Once per round, like the before-losses: the random-direction baseline sized by the previous
    // round's accepted updates, and a share of their median score; the schedule's fixed τ when no
    // update was ever sized. Every input is deterministic, so a validator racing on another silo
    // stores the same τ.
    private async Task<RoundThreshold> ThresholdAsync(JobContext job, RoundCache round, IRoundGrain roundGrain, GptModel model,
        Model.Tensors.ParameterSet weights, IReadOnlyList<Model.Training.TokenBatch> batches, double[] before, CpuAccount cpu, CancellationToken cancellationToken)
    {
        await round.BeforeLossesGate.WaitAsync(cancellationToken);
        try
        {
            if (round.Threshold is { } computed) return computed;
            var previous = round.Number > 1 ? await job.Grains.GetGrain<IRoundGrain>(round.Number - 1).GetAsync() : null;
            var threshold = previous?.AcceptedMedianNorms is not { } norms
                ? RoundThreshold.Fixed(schedule)
                : await cpu.RunAsync(() => RandomDirectionBaseline.Measure(validator.Setup, schedule, model, weights, batches, before, norms,
                    heldOut.DirectionSeed(round.Number), RoundThreshold.AcceptedMedianScore(previous)));
            return round.Threshold = await roundGrain.SetThresholdAsync(threshold);
        }
        finally
        {
            round.BeforeLossesGate.Release();
        }
    }

    private async Task<List<(string Id, DecodedPayload Payload)>> EarlierPayloadsAsync(
        JobContext job, RoundCache round, RoundAdmission admission, CpuAccount cpu, CancellationToken cancellationToken)
    {
        var earlier = new List<(string, DecodedPayload)>();
        foreach (var otherId in admission.Earlier)
        {
            var other = await job.Grains.GetGrain<ISubmissionGrain>(otherId).GetAsync();
            if (other.Received is not { } received) continue;
            if (other.Verdict is { Reason: VerdictReason.Malformed or VerdictReason.Oversize or VerdictReason.Stale }) continue;
            if (!round.Decoded.TryGetValue(received.BlobHash, out var decoded))
            {
                var bytes = await gradients.LoadAsync(received.BlobHash, cancellationToken);
                decoded = await cpu.RunAsync(() => validator.TryDecode(bytes, out _));
                if (decoded is null) continue;
                round.Decoded.TryAdd(received.BlobHash, decoded);
            }
            earlier.Add((otherId, decoded));
        }
        return earlier;
    }

    // One round's cache at a time: rounds are sequential, and a new round makes the old entries useless.
    private RoundCache CacheFor(int number)
    {
        var current = Volatile.Read(ref cache);
        if (current.Number == number) return current;
        var fresh = new RoundCache(number);
        var seen = Interlocked.CompareExchange(ref cache, fresh, current);
        return seen == current ? fresh : (seen.Number == number ? seen : new RoundCache(number));
    }

    private sealed class RoundCache(int number)
    {
        public int Number { get; } = number;
        public ConcurrentDictionary<string, DecodedPayload> Decoded { get; } = new(StringComparer.Ordinal);
        public double[]? BeforeLosses { get; set; }
        public RoundThreshold? Threshold { get; set; }
        public SemaphoreSlim BeforeLossesGate { get; } = new(1, 1);
    }

    // Runs each synchronous compute section on a thread of its own and sums their thread CPU time.
    // Not on the thread pool: a validation holds its thread for tens of milliseconds, and pool
    // threads blocked that long starve the short async jobs (settles, refunds) of the same process.
    private sealed class CpuAccount
    {
        private long ticks;

        public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref ticks));

        public Task<T> RunAsync<T>(Func<T> work) =>
            Task.Factory.StartNew(() =>
            {
                var (result, cpu) = ThreadCpuTime.Measure(work);
                Interlocked.Add(ref ticks, cpu.Ticks);
                return result;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
