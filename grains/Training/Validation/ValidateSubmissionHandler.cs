using System.Collections.Concurrent;
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
/// <remarks>
/// The CPU time recorded with the verdict is the thread CPU time of the compute (decoding,
/// screening, scoring, and the round's before-losses for the submission that computed them), so
/// the validation overhead is a ratio of CPU, not of wall time on a busy machine. Decoded payloads
/// are kept per round by blob hash: the copycat screen compares each submission with every
/// earlier one, and decoding each of them again would make a round quadratic in decodes.
/// </remarks>
public sealed class ValidateSubmissionHandler(
    SubmissionValidator validator,
    HeldOutSet heldOut,
    ICheckpointStore checkpoints,
    IGradientStore gradients,
    ILightningNode node) : IJobHandler
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

    private async Task<SubmissionVerdict> DecideAsync(JobContext job, string id, NewSubmission arrival, CpuAccount cpu, CancellationToken cancellationToken)
    {
        var deposit = await node.LookupInvoiceAsync(PaymentHash.FromHex(arrival.PaymentHash), cancellationToken);
        if (deposit is null || deposit.State == InvoiceState.Canceled)
            return SubmissionVerdict.Rejected(VerdictReason.DepositExpired, "the deposit's hold invoice was cancelled before validation finished; it has been refunded");

        var roundGrain = job.Grains.GetGrain<IRoundGrain>(arrival.Round.ToString(CultureInfo.InvariantCulture));
        var admission = await roundGrain.AdmitAsync(id, arrival.PeerId, arrival.ContentHash);
        var round = CacheFor(arrival.Round);
        var payload = await gradients.LoadAsync(arrival.BlobHash, cancellationToken);
        var earlier = await EarlierPayloadsAsync(job, round, admission, cpu, cancellationToken);
        DecodedPayload? decoded = null;
        var rejection = cpu.Run(() => validator.Screen(arrival, admission, payload, earlier, out decoded));
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
            var before = roundState.BeforeLosses ?? round.BeforeLosses;
            if (before is null)
            {
                model.Restore(weights);
                before = round.BeforeLosses = await roundGrain.SetBeforeLossesAsync(cpu.Run(() => SubmissionValidator.Losses(model, batches)));
            }
            return cpu.Run(() => validator.Score(model, weights, decoded!, batches, before));
        }
        finally
        {
            models.Add(model);
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
                decoded = cpu.Run(() => validator.TryDecode(bytes, out _));
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
    }

    // Sums the thread CPU time of synchronous compute sections (each runs on one thread).
    private sealed class CpuAccount
    {
        public TimeSpan Total { get; private set; }

        public T Run<T>(Func<T> work)
        {
            var (result, cpu) = ThreadCpuTime.Measure(work);
            Total += cpu;
            return result;
        }
    }
}
