namespace L402Train.Compression;

/// <summary>
/// The reference aggregation (Templar <c>outer_step</c>/<c>batch_decompress</c>): per tensor, each
/// peer's values are scaled by min(1, m/(‖v̂ᵢ‖ + 1e-8)) with m the lower median of the peers' norms,
/// then every coordinate gets the mean over only the peers that selected it (scatter-mean);
/// coordinates nobody selected stay 0. Peers are reduced in ordinal order of their key and every
/// sum runs in that fixed order inside one thread, so the result is bit-identical for any arrival
/// order and any degree of parallelism.
/// </summary>
public static class SparseLoCoAggregator
{
    /// <summary>Per tensor, the lower median of the submissions' value norms (torch.median semantics).</summary>
    public static double[] MedianNorms(IReadOnlyList<SparseSubmission> submissions)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        if (submissions.Count == 0)
        {
            throw new ArgumentException("At least one submission is needed.", nameof(submissions));
        }

        var count = submissions[0].Tensors.Count;
        var norms = submissions.Select(s => s.Norms()).ToArray();
        var medians = new double[count];
        var column = new double[submissions.Count];
        for (var t = 0; t < count; t++)
        {
            for (var p = 0; p < norms.Length; p++)
            {
                column[p] = norms[p][t];
            }

            Array.Sort(column);
            medians[t] = column[(column.Length - 1) / 2];
        }

        return medians;
    }

    /// <summary>Aggregates the peers' submissions into one dense update.</summary>
    /// <param name="peers">Submissions with unique keys, all for the same manifest; any order.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; the result does not depend on it.</param>
    /// <param name="clipToMedianNorm">Clip each peer to the median norm (Templar); false gives the SparseLoCo reference's plain scatter-mean.</param>
    /// <param name="maxNormToMedian">
    /// κ: each tensor of the aggregate is scaled down to at most κ times the peers' median norm for
    /// that tensor (∞: never). The scatter-mean gives a coordinate only one peer sent that peer's
    /// whole value, so as peers multiply the aggregate fills in and its norm grows with them (about
    /// 6 times a peer's at 600 peers) until the outer step overshoots; κ bounds it whatever the count.
    /// </param>
    public static AggregatedUpdate Aggregate(IReadOnlyList<PeerSubmission> peers, int maxDegreeOfParallelism = -1, bool clipToMedianNorm = true,
        double maxNormToMedian = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(peers);
        if (peers.Count == 0)
        {
            throw new ArgumentException("At least one peer is needed.", nameof(peers));
        }

        if (!(maxNormToMedian > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNormToMedian), "The aggregate's norm limit must be positive.");
        }

        var ordered = peers.OrderBy(p => p.PeerKey, StringComparer.Ordinal).ToArray();
        var manifest = ordered[0].Submission.Manifest;
        for (var p = 0; p < ordered.Length; p++)
        {
            if (p > 0 && ordered[p].PeerKey == ordered[p - 1].PeerKey)
            {
                throw new ArgumentException($"Peer key '{ordered[p].PeerKey}' appears twice.", nameof(peers));
            }

            CheckSameManifest(manifest, ordered[p]);
        }

        var submissions = ordered.Select(p => p.Submission).ToArray();
        var medians = MedianNorms(submissions);
        var factors = new float[ordered.Length][];
        for (var p = 0; p < ordered.Length; p++)
        {
            var norms = submissions[p].Norms();
            factors[p] = [.. norms.Select((n, t) => clipToMedianNorm ? SparseSubmission.ClipFactor(n, medians[t]) : 1f)];
        }

        var dense = manifest.Tensors.Select(t => new float[t.ElementCount]).ToArray();
        var work = manifest.Tensors.SelectMany((t, i) => Enumerable.Range(0, t.Layout.ChunksDown).Select(y => (Tensor: i, Band: y))).ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, work.Length, options, () => new Scratch(), (w, _, scratch) =>
        {
            var (tensor, band) = work[w];
            ReduceBand(submissions, factors, tensor, band, dense[tensor], scratch);
            return scratch;
        }, static _ => { });
        for (var t = 0; t < dense.Length; t++)
        {
            ClipNorm(dense[t], maxNormToMedian * medians[t]);
        }

        return new AggregatedUpdate(manifest, dense, medians, [.. ordered.Select(p => p.PeerKey)]);
    }

    // Sequential sum in index order: replicas get the same factor bit for bit.
    private static void ClipNorm(float[] values, double limit)
    {
        if (double.IsPositiveInfinity(limit))
        {
            return;
        }

        var sum = 0.0;
        foreach (var v in values)
        {
            sum += (double)v * v;
        }

        var norm = Math.Sqrt(sum);
        if (norm <= limit)
        {
            return;
        }

        var factor = (float)(limit / norm);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }

    private static void CheckSameManifest(TensorManifest manifest, PeerSubmission peer)
    {
        var other = peer.Submission.Manifest;
        if (ReferenceEquals(other, manifest))
        {
            return;
        }

        if (other.Count != manifest.Count || !other.Tensors.SequenceEqual(manifest.Tensors))
        {
            throw new ArgumentException($"Peer '{peer.PeerKey}' follows a different manifest.", nameof(peer));
        }
    }

    private static void ReduceBand(SparseSubmission[] submissions, float[][] factors, int tensor, int band, float[] dense, Scratch scratch)
    {
        var layout = submissions[0].Tensors[tensor].Spec.Layout;
        var sums = scratch.Sums;
        var counts = scratch.Counts;
        for (var x = 0; x < layout.ChunksAcross; x++)
        {
            var chunk = (band * layout.ChunksAcross) + x;
            for (var p = 0; p < submissions.Length; p++)
            {
                var sparse = submissions[p].Tensors[tensor];
                var factor = factors[p][tensor];
                var slots = sparse.ChunkIndices(chunk);
                var values = sparse.ChunkValues(chunk);
                for (var j = 0; j < slots.Length; j++)
                {
                    sums[slots[j]] += factor * values[j];
                    counts[slots[j]]++;
                }
            }

            var origin = layout.ChunkOrigin(chunk);
            for (var p = 0; p < submissions.Length; p++)
            {
                foreach (var slot in submissions[p].Tensors[tensor].ChunkIndices(chunk))
                {
                    if (counts[slot] == 0)
                    {
                        continue; // already written for an earlier peer
                    }

                    dense[origin + layout.SlotOffset(slot)] = sums[slot] / counts[slot];
                    sums[slot] = 0;
                    counts[slot] = 0;
                }
            }
        }
    }

    private sealed class Scratch
    {
        public float[] Sums { get; } = new float[4096];

        public int[] Counts { get; } = new int[4096];
    }
}
