using System.Globalization;
using L402Train.Compression;
using L402Train.Grains.Training;
using L402Train.Model.Gpt;
using L402Train.Model.Tensors;

namespace L402Train.Bench.Incentives.Training;

/// <summary>
/// The validator alone on two rounds, no grains and no money: round 1 scores many honest updates
/// on the initial checkpoint and aggregates the accepted ones with the coordinator's real
/// aggregation and outer step; round 2 then scores fresh honest updates and noise free-riders on
/// the checkpoint that step produced. This is where the 1,000-identity run paid noise
/// (docs/incentives.md), in seconds instead of minutes.
/// </summary>
internal static class OuterStepProbe
{
    public static void Run(int honestCount, int probes, int threads, int innerSteps, int batchSize, IReadOnlyList<double> limits, Action<string> print)
    {
        var setup = new TrainingSetup { CorpusStories = 400 };
        var schedule = new SimulationOptions(honestCount, 2, threads).Schedule;
        var validator = new SubmissionValidator(setup, schedule);
        var heldOut = new HeldOutSet(secretSeed: 7, setup, schedule, stories: 200);
        using var honest = new HonestUpdates(setup, setup.TrainingTokens(), innerSteps, batchSize);
        var models = new ThreadLocal<GptModel>(() => GptModel.Create(setup.Config, setup.InitSeed, threads: 1));
        var weights = GptModel.Create(setup.Config, setup.InitSeed, threads: 1).Parameters.Clone();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };

        SubmissionVerdict[] Judge(ParameterSet on, int round, IReadOnlyList<SparseSubmission> updates)
        {
            var batches = heldOut.ForRound(round);
            var before = SubmissionValidator.Losses(GptModel.FromParameters(setup.Config, on.Clone(), threads: 1), batches);
            var verdicts = new SubmissionVerdict[updates.Count];
            Parallel.For(0, updates.Count, parallel, i =>
            {
                var decoded = validator.TryDecode(updates[i].ToBytes(WireVersion.V2, PayloadMetadata.Create(round - 1, $"p{i}")), out _)!;
                verdicts[i] = validator.Score(models.Value!, on, decoded, batches, before);
            });
            return verdicts;
        }

        void Summary(string name, SubmissionVerdict[] verdicts)
        {
            var scores = verdicts.Select(v => v.Score).Order().ToArray();
            double At(double q) => scores[(int)Math.Min(scores.Length - 1, q * scores.Length)];
            print(string.Create(CultureInfo.InvariantCulture,
                $"{name}_accepted={verdicts.Count(v => v.Reason == VerdictReason.Accepted)} {name}_below={verdicts.Count(v => v.Reason == VerdictReason.BelowThreshold)} {name}_harmful={verdicts.Count(v => v.Reason == VerdictReason.Harmful)} of {verdicts.Length}; score p10={At(0.1):0.0000} p50={At(0.5):0.0000} p90={At(0.9):0.0000} max={scores[^1]:0.0000}"));
        }

        var round1 = Train(honest, weights, 1, honestCount, parallel);
        var verdicts1 = Judge(weights, 1, round1);
        Summary("round1_honest", verdicts1);
        var accepted = round1.Where((_, i) => verdicts1[i].Reason == VerdictReason.Accepted).Select((s, i) => new PeerSubmission($"peer{i:D5}", s)).ToList();
        var lossBefore = GptModel.FromParameters(setup.Config, weights.Clone(), threads: 1).EvaluateLoss(heldOut.ForRound(2));
        var peerNorm = Math.Sqrt(accepted.Average(p => p.Submission.Norms().Sum(n => n * n)));
        // The schedule's κ first, then without a bound (the aggregation before it), then the others asked for.
        foreach (var limit in limits.Prepend(double.PositiveInfinity).Prepend(schedule.OuterStepNormLimit).Distinct())
        {
            var name = double.IsPositiveInfinity(limit) ? "unbounded" : string.Create(CultureInfo.InvariantCulture, $"kappa{limit:0.##}");
            var update = SparseLoCoAggregator.Aggregate(accepted, maxDegreeOfParallelism: threads, maxNormToMedian: limit);
            var stepped = new OuterStep(setup, schedule).Apply(weights, null, update.Tensors).Weights;
            var updateNorm = Math.Sqrt(update.Tensors.Sum(t => t.Sum(v => (double)v * v)));
            var lossAfter = GptModel.FromParameters(setup.Config, stepped.Clone(), threads: 1).EvaluateLoss(heldOut.ForRound(2));
            print(string.Create(CultureInfo.InvariantCulture,
                $"{name}_outer_step peers={accepted.Count} update_norm={updateNorm:0.0000} mean_peer_norm={peerNorm:0.0000} ratio={updateNorm / peerNorm:0.00} heldout_loss_before={lossBefore:0.0000} after={lossAfter:0.0000}"));
            var round2 = Train(honest, stepped, 2, probes, parallel);
            Summary($"{name}_round2_honest", Judge(stepped, 2, round2));
            var random = new Random(2);
            Summary($"{name}_round2_noise", Judge(stepped, 2, [.. round2.Select(u => AdversarialUpdates.Noise(u, random))]));
        }
    }

    private static SparseSubmission[] Train(HonestUpdates honest, ParameterSet weights, int round, int count, ParallelOptions parallel)
    {
        var updates = new SparseSubmission[count];
        Parallel.For(0, count, parallel, i => updates[i] = honest.Train(weights, (ulong)(i + 1), round));
        return updates;
    }
}
