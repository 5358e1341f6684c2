using L402Train.Compression;
using L402Train.Grains.Training;
using L402Train.Model.Gpt;
using L402Train.Model.Tensors;
using L402Train.Model.Training;

namespace L402Train.Bench.Training;

/// <summary>The size of a loss-gap run.</summary>
internal sealed record LossGapRun(int Peers, int Rounds, int InnerSteps, int TopK = 64, double SparseOuterLearningRate = 1.0, float ErrorFeedbackDecay = 0.95f, float InnerLearningRate = 3e-3f, int BatchSize = 8, bool Nesterov = true, int DataSeed = 0, int ReportEvery = 0, string Corpus = "generated", double OuterStepNormLimit = 3.0)
{
    /// <summary>Whether held-out loss is measured after <paramref name="round"/>: every <see cref="ReportEvery"/> rounds, and the last.</summary>
    public bool IsReportRound(int round) => round == Rounds || (ReportEvery > 0 && round % ReportEvery == 0);
}

/// <summary>Held-out loss after the same rounds with SparseLoCo, with dense averaging, and with SparseLoCo plus outer Nesterov momentum.</summary>
/// <param name="Initial">Held-out loss of the initial weights.</param>
/// <param name="Dense">After the last round with uncompressed averaging.</param>
/// <param name="Sparse">After the last round with SparseLoCo.</param>
/// <param name="SparseNesterov">After the last round with SparseLoCo and outer Nesterov momentum (null when not run).</param>
/// <param name="Curve">Held-out loss of dense averaging and of SparseLoCo after each round <see cref="LossGapRun.IsReportRound"/> picks.</param>
internal sealed record LossGap(double Initial, double Dense, double Sparse, double? SparseNesterov, IReadOnlyList<(int Round, double Dense, double Sparse)> Curve)
{
    /// <summary>Runs the three variants from the same initial weights, peers, data seeds and held-out batches.</summary>
    public static LossGap Measure(LossGapRun run)
    {
        var setup = new TrainingSetup { TopK = run.TopK, ErrorFeedbackDecay = run.ErrorFeedbackDecay, Corpus = run.Corpus };
        var corpus = TrainingCorpus.Build(setup, secretSeed: 11).Train;
        var plain = new RewardSchedule();
        var heldOut = new HeldOutSet(secretSeed: 11, setup, plain with { HeldOutBatches = 16 }).ForRound(0);
        var initial = GptModel.Create(setup.Config, setup.InitSeed, threads: 1);
        var initialLoss = initial.EvaluateLoss(heldOut);

        var dense = Train(run, setup, corpus, new OuterStep(setup, plain), sparse: false, heldOut);
        var sparse = Train(run, setup, corpus, new OuterStep(setup, plain with { OuterLearningRate = run.SparseOuterLearningRate }), sparse: true, heldOut);
        // DiLoCo's outer optimizer (Nesterov, μ 0.9, α 0.7) on top of SparseLoCo's aggregate.
        double? nesterov = !run.Nesterov ? null : Train(run, setup, corpus, new OuterStep(setup, plain with { OuterMomentum = 0.9, OuterLearningRate = 0.7 }), sparse: true, heldOut)[^1];
        var curve = Enumerable.Range(1, run.Rounds).Where(run.IsReportRound).Select((round, i) => (round, dense[i], sparse[i])).ToArray();
        return new LossGap(initialLoss, dense[^1], sparse[^1], nesterov, curve);
    }

    private static double[] Train(LossGapRun run, TrainingSetup setup, Model.Corpus.TokenStream corpus, OuterStep outer, bool sparse, IReadOnlyList<TokenBatch> heldOut)
    {
        var model = GptModel.Create(setup.Config, setup.InitSeed, threads: Environment.ProcessorCount);
        var weights = model.Parameters.Clone();
        ParameterSet? momentum = null;
        var losses = new List<double>();
        var peers = Enumerable.Range(1, run.Peers).Select(i => new SimulatedPeer(setup, corpus, (ulong)(i + (1000 * run.DataSeed)), run)).ToList();
        for (var round = 1; round <= run.Rounds; round++)
        {
            var deltas = new ParameterSet[run.Peers];
            var submissions = new SparseSubmission[run.Peers];
            Parallel.For(0, run.Peers, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                deltas[i] = peers[i].Train(weights, round, run.InnerSteps);
                if (sparse) submissions[i] = peers[i].Compress(deltas[i]);
            });
            IReadOnlyList<float[]> update = sparse
                ? SparseLoCoAggregator.Aggregate([.. submissions.Select((s, i) => new PeerSubmission($"peer{i + 1}", s))], maxDegreeOfParallelism: 1, maxNormToMedian: run.OuterStepNormLimit).Tensors
                : Mean(deltas);
            var stepped = outer.Apply(weights, momentum, update);
            weights = stepped.Weights;
            momentum = stepped.Momentum;
            if (run.IsReportRound(round))
            {
                model.Restore(weights);
                losses.Add(model.EvaluateLoss(heldOut));
            }
        }

        return [.. losses];
    }

    // Uncompressed averaging: the per-coordinate mean of every peer's full pseudo-gradient.
    private static float[][] Mean(ParameterSet[] deltas)
    {
        var layout = deltas[0].Layout;
        var mean = layout.Select(slot => new float[slot.Length]).ToArray();
        foreach (var delta in deltas)
            for (var t = 0; t < layout.Count; t++)
            {
                var values = delta.Tensors[t].Values.Span;
                for (var j = 0; j < values.Length; j++) mean[t][j] += values[j] / deltas.Length;
            }
        return mean;
    }
}
