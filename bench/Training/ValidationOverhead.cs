using System.Globalization;
using L402Train.Lightning;
using L402Train.Compression;
using L402Train.Grains.Training;
using L402Train.Model.Gpt;
using L402Train.Model.Training;

namespace L402Train.Bench.Training;

/// <summary>Validator CPU per submission against the peer's training CPU, at K = 30.</summary>
/// <param name="PeerTrainCpuMs">Thread CPU of one peer's 30 local steps.</param>
/// <param name="ValidationCpuMs">Thread CPU of one submission's validation: decode, screening (copycat against the earlier ones), score, plus its share of the before-losses.</param>
/// <param name="BeforeLossesCpuMs">Thread CPU of the round's before-losses (computed once per round).</param>
/// <param name="OverheadPct">100 × validation / training.</param>
internal sealed record ValidationOverhead(double PeerTrainCpuMs, double ValidationCpuMs, double BeforeLossesCpuMs, double OverheadPct)
{
    private const int InnerSteps = 30;

    /// <summary>
    /// Trains <paramref name="peers"/> peers for K = 30 steps (in parallel, each on one thread) and
    /// validates their payloads the way <see cref="ValidateSubmissionHandler"/> does, each thread's
    /// CPU time measured around its own work.
    /// </summary>
    public static ValidationOverhead Measure(int peers, int submissionsPerRound)
    {
        var setup = new TrainingSetup();
        var schedule = new RewardSchedule();
        var corpus = setup.TrainingTokens();
        var weights = GptModel.Create(setup.Config, setup.InitSeed, threads: 1).Parameters;

        var trainCpu = new TimeSpan[peers];
        var payloads = new byte[peers][];
        // Steady state on both sides: a few unmeasured steps first, so neither figure carries the JIT.
        new SimulatedPeer(setup, corpus, 99, new LossGapRun(1, Rounds: 1, InnerSteps)).Train(weights, round: 0, steps: 3);
        Parallel.For(0, peers, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var peer = new SimulatedPeer(setup, corpus, (ulong)(i + 1), new LossGapRun(peers, Rounds: 1, InnerSteps));
            var (delta, cpu) = ThreadCpuTime.Measure(() => peer.Train(weights, round: 1, InnerSteps));
            trainCpu[i] = cpu;
            payloads[i] = peer.Compress(delta).ToBytes(WireVersion.V2, PayloadMetadata.Create(0, $"peer{i + 1}"));
        });

        var validator = new SubmissionValidator(setup, schedule);
        var batches = new HeldOutSet(secretSeed: 11, setup, schedule).ForRound(1);
        var model = GptModel.FromParameters(setup.Config, weights, threads: 1);
        // A validator is a long-running silo: one unmeasured pass first, so the figure is its steady
        // state and not the JIT compiling decode, screening and scoring on their first call.
        _ = ValidateAll();
        var (validationCpu, beforeCpu) = ValidateAll();

        (TimeSpan Validation, TimeSpan Before) ValidateAll()
        {
            var (before, beforeCpu) = ThreadCpuTime.Measure(() => SubmissionValidator.Losses(model, batches));

            var earlier = new List<(string, DecodedPayload)>();
            var validationCpu = TimeSpan.Zero;
            for (var i = 0; i < peers; i++)
            {
                var arrival = new NewSubmission($"peer{i + 1}", 1, 0, "blob", $"hash{i}", payloads[i].Length, PaymentHash.FromHex(i.ToString("x64", CultureInfo.InvariantCulture)), "token", new Sats(schedule.DepositSat));
                var admission = new RoundAdmission(i + 1, true, 0, null, [.. earlier.Select(e => e.Item1)]);
                var (verdict, cpu) = ThreadCpuTime.Measure(() =>
                {
                    var rejection = validator.Screen(arrival, admission, payloads[i], earlier, out var decoded);
                    if (rejection is not null) return rejection;
                    earlier.Add(($"{i}", decoded!));
                    return validator.Score(model, weights, decoded!, batches, before);
                });
                if (verdict.Reason != VerdictReason.Accepted) throw new InvalidOperationException($"peer {i + 1} was not accepted: {verdict.Detail}");
                validationCpu += cpu;
            }
            return (validationCpu, beforeCpu);
        }

        var train = trainCpu.Average(t => t.TotalMilliseconds);
        var perSubmission = (validationCpu.TotalMilliseconds / peers) + (beforeCpu.TotalMilliseconds / submissionsPerRound);
        return new ValidationOverhead(train, perSubmission, beforeCpu.TotalMilliseconds, 100 * perSubmission / train);
    }
}
