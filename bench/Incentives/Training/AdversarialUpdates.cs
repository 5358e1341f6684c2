using L402Train.Compression;

namespace L402Train.Bench.Incentives.Training;

/// <summary>
/// The adversaries' updates, built at the level of what goes on the wire (per chunk, k slots and
/// their values) so each attack is exactly what it says: a copy keeps just under the copycat
/// threshold of the original's slots, a ring splits one original into disjoint slices, a sybil
/// splits its own update into disjoint parts. Each is then encoded as an honest peer's update is
/// (the codec's 2-bit quantization; the decoder refuses any other value coding), with no error
/// feedback, so exactly the chosen slots go on the wire.
/// </summary>
internal static class AdversarialUpdates
{
    // The default setup's codec (top-k 64 per chunk), which the simulation runs; the decoder refuses any other k.
    private static readonly CompressionSettings Settings = new L402Train.Grains.Training.TrainingSetup().Compression;

    /// <summary>Share of an original's slots a copy keeps: the largest entries, just under the default 0.4 overlap threshold.</summary>
    public const double CopyKeepFraction = 0.39;

    /// <summary>An all-zero update (free-rider, first form).</summary>
    public static SparseSubmission Zeros(SparseSubmission shape) =>
        Map(shape, (_, _, slots, _) => ([.. slots], new float[slots.Length]));

    /// <summary>Gaussian noise on random slots, each tensor scaled to the norm of <paramref name="scale"/>'s (free-rider, second form: gradient scale, no compute).</summary>
    public static SparseSubmission Noise(SparseSubmission scale, Random random)
    {
        var noise = Map(scale, (t, _, slots, _) =>
        {
            var values = new float[slots.Length];
            for (var i = 0; i < values.Length; i++) values[i] = (float)Gaussian(random);
            return (RandomSlots(random, slots.Length, [], scale.Tensors[t].Spec.Layout.ChunkLength), values);
        });
        return Scaled(noise, [.. scale.Tensors.Select(t => t.Norm())]);
    }

    /// <summary>A copy of <paramref name="original"/>'s largest entries (up to <paramref name="keep"/> of each chunk's slots), each perturbed by up to ±5 %, the rest tiny noise elsewhere.</summary>
    public static SparseSubmission PerturbedCopy(SparseSubmission original, Random random, double keep = CopyKeepFraction) =>
        Slices(original, random, (rank, k) => rank < (int)(keep * k), perturbation: 0.05);

    /// <summary>Slice <paramref name="member"/> of <paramref name="members"/>: the entries of <paramref name="update"/> whose magnitude rank in their chunk is ≡ member (mod members).</summary>
    public static SparseSubmission Slice(SparseSubmission update, int member, int members, Random random) =>
        Slices(update, random, (rank, _) => rank % members == member, perturbation: 0);

    /// <summary>The same update with every value scaled by 1 ± 1 % (not byte-identical, same slots).</summary>
    public static SparseSubmission NoisyDuplicate(SparseSubmission update, Random random) =>
        Map(update, (_, _, slots, values) =>
        {
            var copy = values;
            for (var i = 0; i < copy.Length; i++) copy[i] *= 1 + (float)((random.NextDouble() - 0.5) * 0.02);
            return ([.. slots], copy);
        });

    /// <summary>The update reversed (gradient ascent).</summary>
    public static SparseSubmission Negated(SparseSubmission update) =>
        Map(update, (_, _, slots, values) => ([.. slots], [.. values.Select(v => -v)]));

    // Keeps the entries whose magnitude rank in the chunk passes keep (perturbed by ±perturbation), and fills the
    // other slots with noise 1e-4 of the chunk's largest magnitude at slots the source did not use.
    private static SparseSubmission Slices(SparseSubmission source, Random random, Func<int, int, bool> keep, double perturbation) =>
        Map(source, (t, _, slots, values) =>
        {
            var k = slots.Length;
            var order = Enumerable.Range(0, k).OrderByDescending(i => Math.Abs(values[i])).ThenBy(i => slots[i]).ToArray();
            var max = order.Length == 0 ? 0 : Math.Abs(values[order[0]]);
            var keptSlots = new List<ushort>(k);
            var keptValues = new List<float>(k);
            for (var rank = 0; rank < k; rank++)
            {
                if (!keep(rank, k)) continue;
                keptSlots.Add(slots[order[rank]]);
                keptValues.Add(values[order[rank]] * (1 + (float)((random.NextDouble() * 2 - 1) * perturbation)));
            }
            var fill = RandomSlots(random, k - keptSlots.Count, [.. slots], source.Tensors[t].Spec.Layout.ChunkLength);
            foreach (var slot in fill)
            {
                keptSlots.Add(slot);
                keptValues.Add((float)((random.NextDouble() * 2 - 1) * 1e-4 * max));
            }
            return (keptSlots.ToArray(), keptValues.ToArray());
        });

    private static SparseSubmission Map(SparseSubmission source,
        Func<int, int, ushort[], float[], (ushort[] Slots, float[] Values)> chunk)
    {
        var tensors = new List<SparseTensor>(source.Tensors.Count);
        for (var t = 0; t < source.Tensors.Count; t++)
        {
            var tensor = source.Tensors[t];
            var count = tensor.Spec.Layout.ChunkCount;
            var slots = new ushort[count * tensor.K];
            var values = new float[count * tensor.K];
            for (var c = 0; c < count; c++)
            {
                var (s, v) = chunk(t, c, tensor.ChunkIndices(c).ToArray(), tensor.ChunkValues(c).ToArray());
                s.CopyTo(slots, c * tensor.K);
                v.CopyTo(values, c * tensor.K);
            }
            tensors.Add(SparseTensor.FromValues(tensor.Spec, tensor.K, slots, values));
        }
        // Through the codec: dense, then top-k (exactly the chosen slots) and 2-bit quantization.
        var dense = new SparseSubmission(source.Manifest, tensors).Densify();
        return new SparseLoCoEncoder(source.Manifest, Settings).Compress([.. dense.Select(d => (ReadOnlyMemory<float>)d)]);
    }

    private static SparseSubmission Scaled(SparseSubmission update, double[] norms)
    {
        var factors = update.Tensors.Select((tensor, t) => (float)(norms[t] / Math.Max(tensor.Norm(), 1e-30))).ToArray();
        return Map(update, (t, _, slots, values) => ([.. slots], [.. values.Select(v => v * factors[t])]));
    }

    private static ushort[] RandomSlots(Random random, int count, HashSet<ushort> taken, int chunkLength)
    {
        var chosen = new ushort[count];
        var used = new HashSet<ushort>(taken);
        for (var i = 0; i < count; i++)
        {
            ushort slot;
            do slot = (ushort)random.Next(chunkLength);
            while (!used.Add(slot));
            chosen[i] = slot;
        }
        return chosen;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
