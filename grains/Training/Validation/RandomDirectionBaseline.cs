using L402Train.Compression;
using L402Train.Model.Gpt;
using L402Train.Model.Randomness;
using L402Train.Model.Tensors;
using L402Train.Model.Training;

namespace L402Train.Grains.Training;

/// <summary>
/// What an update no better than chance scores on one round: R random directions, each tensor of
/// the size honest updates had (the previous accepted updates' median norm) and the codec's
/// sparsity (k random slots per chunk, Gaussian values: what a noise free-rider sends), applied
/// at the trial learning rate to the round's checkpoint and scored on its held-out batches. The
/// directions come from a secret per-round seed, so nobody can aim at them, and the same seed
/// gives the same scores on any validator and after any restart.
/// </summary>
public static class RandomDirectionBaseline
{
    /// <summary>Scores the round's random directions and turns them into its τ (<see cref="RoundThreshold.FromBaseline"/>).</summary>
    /// <param name="setup">The setup (manifest, codec sparsity).</param>
    /// <param name="schedule">R, k, the floor and the trial learning rate.</param>
    /// <param name="model">A model to evaluate with; its weights are restored to <paramref name="weights"/> afterwards.</param>
    /// <param name="weights">The round's checkpoint.</param>
    /// <param name="batches">The round's held-out batches.</param>
    /// <param name="before">The checkpoint's loss on each batch.</param>
    /// <param name="norms">Per tensor, the norm a direction gets (manifest order).</param>
    /// <param name="seed">The round's secret direction seed (<see cref="HeldOutSet.DirectionSeed"/>).</param>
    /// <param name="previousMedianScore">Median score of the previous round's accepted updates (0: none).</param>
    public static RoundThreshold Measure(TrainingSetup setup, RewardSchedule schedule, GptModel model, ParameterSet weights,
        IReadOnlyList<TokenBatch> batches, double[] before, IReadOnlyList<double> norms, ulong seed, double previousMedianScore = 0)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(norms);
        var manifest = setup.Manifest;
        if (norms.Count != manifest.Count) throw new ArgumentException($"{norms.Count} norms for {manifest.Count} tensors", nameof(norms));

        var layout = model.Parameters.Layout;
        var trialRate = -(float)schedule.TrialLearningRate;
        var scores = new double[schedule.BaselineDirections];
        try
        {
            for (var r = 0; r < scores.Length; r++)
            {
                model.Restore(weights);
                var random = new DeterministicRandom(DeterministicRandom.Mix(seed, (ulong)r));
                for (var t = 0; t < manifest.Count; t++)
                    Direction(manifest[t], setup.Compression, norms[t], random)?.AddTo(model.Parameters.Buffer.AsSpan(layout[t].Offset, layout[t].Length), trialRate);
                scores[r] = SignificanceGate.MeanGain(before, SubmissionValidator.Losses(model, batches));
            }
        }
        finally
        {
            model.Restore(weights);
        }
        return RoundThreshold.FromBaseline(scores, schedule, previousMedianScore);
    }

    /// <summary>Per tensor, the median norm of <paramref name="updates"/> (the accepted updates of a round), for the next round's directions.</summary>
    public static double[] MedianNorms(IReadOnlyList<SparseSubmission> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0) throw new ArgumentException("no updates to take norms of", nameof(updates));
        var tensors = updates[0].Tensors.Count;
        var norms = new double[tensors];
        for (var t = 0; t < tensors; t++)
        {
            var sorted = updates.Select(u => u.Tensors[t].Norm()).Order().ToArray();
            var mid = sorted.Length / 2;
            norms[t] = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
        return norms;
    }

    // k distinct random slots per chunk with Gaussian values, scaled to the tensor's norm (null for a zero norm).
    private static SparseTensor? Direction(TensorSpec spec, CompressionSettings codec, double norm, DeterministicRandom random)
    {
        if (!(norm > 0)) return null;
        var chunkLength = spec.Layout.ChunkLength;
        var k = codec.KFor(chunkLength);
        var chunks = spec.Layout.ChunkCount;
        var slots = new ushort[chunks * k];
        var values = new double[chunks * k];
        var order = new ushort[chunkLength];
        for (var c = 0; c < chunks; c++)
        {
            // A partial Fisher–Yates shuffle: the first k of a random permutation of the chunk's slots.
            for (var i = 0; i < chunkLength; i++) order[i] = (ushort)i;
            for (var i = 0; i < k; i++)
            {
                var j = i + random.NextInt(chunkLength - i);
                (order[i], order[j]) = (order[j], order[i]);
                slots[c * k + i] = order[i];
                values[c * k + i] = random.NextGaussian();
            }
        }
        var scale = norm / Math.Sqrt(values.Sum(v => v * v));
        return SparseTensor.FromValues(spec, k, slots, [.. values.Select(v => (float)(v * scale))]);
    }
}
