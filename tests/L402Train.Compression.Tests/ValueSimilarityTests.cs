namespace L402Train.Compression.Tests;

public sealed class ValueSimilarityTests
{
    private static readonly TensorManifest Manifest = new([new TensorSpec("w", 512, 512)]);

    [Fact]
    public void A_copy_is_similar_a_reversed_copy_opposite_and_an_independent_update_about_orthogonal()
    {
        var a = Payloads.Submission(Manifest, 1);
        Assert.Equal(1.0, a.ValueSimilarity(a), 6);
        Assert.Equal(-1.0, a.ValueSimilarity(Scaled(a, -1)), 6);
        Assert.InRange(a.ValueSimilarity(Payloads.Submission(Manifest, 2)), -0.05, 0.05);
    }

    [Fact]
    public void A_copy_of_the_largest_entries_is_similar_though_it_shares_few_positions()
    {
        var a = Payloads.Submission(Manifest, 1);
        var tensor = a.Tensors[0];
        var k = tensor.K;
        var slots = new ushort[tensor.Values.Length];
        var values = new float[tensor.Values.Length];
        for (var chunk = 0; chunk < tensor.Spec.Layout.ChunkCount; chunk++)
        {
            // Keep the quarter of each chunk's entries with the largest magnitude; send zeros on other positions.
            var order = Enumerable.Range(0, k).OrderByDescending(i => Math.Abs(tensor.ChunkValues(chunk)[i])).ToArray();
            var kept = tensor.ChunkIndices(chunk).ToArray();
            var free = Enumerable.Range(0, tensor.Spec.Layout.ChunkLength).Select(s => (ushort)s).Except(kept).GetEnumerator();
            for (var rank = 0; rank < k; rank++)
            {
                var at = chunk * k + rank;
                if (rank < k / 4)
                {
                    slots[at] = kept[order[rank]];
                    values[at] = tensor.ChunkValues(chunk)[order[rank]];
                }
                else
                {
                    free.MoveNext();
                    slots[at] = free.Current;
                }
            }
        }
        var copy = new SparseSubmission(Manifest, [SparseTensor.FromValues(tensor.Spec, k, slots, values)]);

        Assert.InRange(copy.IndexOverlap(a), 0.24, 0.26);
        Assert.True(copy.ValueSimilarity(a) > 0.5, $"similarity {copy.ValueSimilarity(a)}");
    }

    private static SparseSubmission Scaled(SparseSubmission submission, float factor) =>
        new(submission.Manifest, [.. submission.Tensors.Select(t => SparseTensor.FromValues(t.Spec, t.K, t.Indices, [.. t.Values.ToArray().Select(v => v * factor)]))]);
}
