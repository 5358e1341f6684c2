namespace L402Train.Compression.Tests;

public sealed class SubmissionTests
{
    private static readonly TensorManifest Manifest = Models.Small();

    [Fact]
    public void Identical_submissions_overlap_fully_and_independent_ones_about_k_over_n()
    {
        var big = new TensorManifest([new TensorSpec("w", 512, 512)]);
        var a = Payloads.Submission(big, 1);
        var b = Payloads.Submission(big, 2);
        Assert.Equal(1.0, a.IndexOverlap(a));
        Assert.InRange(a.IndexOverlap(b), 0.010, 0.022); // 64/4096 = 0.0156
    }

    [Fact]
    public void Content_hash_ignores_version_and_metadata_but_not_content()
    {
        var submission = Payloads.Submission(Manifest, 1);
        var decoder = new SparseLoCoDecoder(Manifest);
        var v1 = decoder.Decode(submission.ToBytes(WireVersion.V1, PayloadMetadata.Create(1, "alice"))).Submission;
        var v2 = decoder.Decode(submission.ToBytes(WireVersion.V2, PayloadMetadata.Create(1, "mallory"))).Submission;
        Assert.Equal(submission.ComputeContentHash(), v1.ComputeContentHash());
        Assert.Equal(v1.ComputeContentHash(), v2.ComputeContentHash());
        Assert.NotEqual(submission.ComputeContentHash(), Payloads.Submission(Manifest, 2).ComputeContentHash());
        Assert.Equal(64, submission.ComputeContentHash().ToString().Length);
    }

    [Fact]
    public void Content_hash_does_not_depend_on_slot_order_within_a_chunk()
    {
        var spec = new TensorSpec("w", 8);
        var manifest = new TensorManifest([spec]);
        var forward = new SparseSubmission(manifest, [SparseTensor.FromValues(spec, 2, [1, 6], [0.5f, -1f])]);
        var backward = new SparseSubmission(manifest, [SparseTensor.FromValues(spec, 2, [6, 1], [-1f, 0.5f])]);
        var changed = new SparseSubmission(manifest, [SparseTensor.FromValues(spec, 2, [1, 6], [0.5f, -2f])]);
        Assert.Equal(forward.ComputeContentHash(), backward.ComputeContentHash());
        Assert.NotEqual(forward.ComputeContentHash(), changed.ComputeContentHash());
    }

    [Fact]
    public void Unsorted_slots_are_written_in_v2_as_the_same_set()
    {
        var spec = new TensorSpec("w", 8, 8);
        var manifest = new TensorManifest([spec]);
        var settings = new CompressionSettings { Quantize = false, TopK = 192 }; // k = 3 of 64
        var unsorted = new SparseSubmission(manifest, [SparseTensor.FromValues(spec, 3, [40, 2, 17], [4f, 0.2f, 1.7f])]);
        var decoded = new SparseLoCoDecoder(manifest, settings).Decode(unsorted.ToBytes(WireVersion.V2)).Submission;
        Assert.Equal([2, 17, 40], decoded.Tensors[0].Indices.ToArray().Select(i => (int)i));
        Assert.Equal([0.2f, 1.7f, 4f], decoded.Tensors[0].Values.ToArray());
        Assert.Equal(unsorted.ComputeContentHash(), decoded.ComputeContentHash());
    }

    [Fact]
    public void Densify_places_values_at_their_row_and_column()
    {
        var spec = new TensorSpec("w", 128, 128); // 2×2 chunks of 64×64
        var manifest = new TensorManifest([spec]);
        ushort[] slots = [0, 65, 4095, 64];
        var submission = new SparseSubmission(manifest, [SparseTensor.FromValues(spec, 1, slots, [1f, 2f, 3f, 4f])]);
        var dense = submission.Densify()[0];
        Assert.Equal(1f, dense[0]);                   // chunk (0,0) slot 0 → (0, 0)
        Assert.Equal(2f, dense[(1 * 128) + 64 + 1]);   // chunk (0,1) slot 65 → (1, 65)
        Assert.Equal(3f, dense[(127 * 128) + 63]);     // chunk (1,0) slot 4095 → (127, 63)
        Assert.Equal(4f, dense[(65 * 128) + 64]);      // chunk (1,1) slot 64 → (65, 64)
        Assert.Equal(4, dense.Count(v => v != 0));
    }

    [Fact]
    public void From_values_rejects_repeated_and_out_of_range_slots()
    {
        var spec = new TensorSpec("w", 8);
        Assert.Throws<ArgumentException>(() => SparseTensor.FromValues(spec, 2, [3, 3], [1f, 1f]));
        Assert.Throws<ArgumentException>(() => SparseTensor.FromValues(spec, 2, [3, 8], [1f, 1f]));
        Assert.Throws<ArgumentException>(() => SparseTensor.FromValues(spec, 2, [3, 4], [1f, float.NaN]));
    }
}
