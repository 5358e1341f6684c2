using FsCheck;
using FsCheck.Fluent;

namespace L402Train.Compression.Tests;

public sealed class AggregationTests
{
    private static readonly TensorManifest One = new([new TensorSpec("w", 16)]);

    private static PeerSubmission Peer(string key, params (ushort Slot, float Value)[] entries) =>
        new(key, new SparseSubmission(One, [SparseTensor.FromValues(One[0], entries.Length, entries.Select(e => e.Slot).ToArray(), entries.Select(e => e.Value).ToArray())]));

    [Fact]
    public void Each_coordinate_is_the_mean_over_the_peers_that_sent_it()
    {
        // Peer A {5: 1.0}, peer B {5: 3.0, 7: −2.0}; A's second slot carries 0 so both have k = 2.
        // Equal norms would clip nothing: A's norm 1, B's √13, median (lower) = 1 → B scaled by 1/√13.
        var a = Peer("A", (5, 1f), (9, 0f));
        var b = Peer("B", (5, 3f), (7, -2f));
        var dense = SparseLoCoAggregator.Aggregate([b, a]).Tensors[0];
        var factor = (float)(1 / (Math.Sqrt(13) + 1e-8));
        Assert.Equal((1f + (3f * factor)) / 2, dense[5]);
        Assert.Equal(-2f * factor, dense[7]);
        Assert.All(dense.Where((_, i) => i is not (5 or 7)), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Scatter_mean_without_clipping_matches_the_reference_values()
    {
        // C8: A {5: 1.0}, B {5: 3.0, 7: −2.0} → dense[5] = 2.0, dense[7] = −2.0 (not halved), rest 0.
        var a = Peer("A", (5, 1f), (9, 0f));
        var b = Peer("B", (5, 3f), (7, -2f));
        var dense = SparseLoCoAggregator.Aggregate([a, b], clipToMedianNorm: false).Tensors[0];
        Assert.Equal(2f, dense[5]);
        Assert.Equal(-2f, dense[7]);
        Assert.All(dense.Where((_, i) => i is not (5 or 7)), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(new[] { 1.0, 2.0, 10.0 }, 2.0, new[] { 1.0, 1.0, 0.2 })]
    [InlineData(new[] { 1.0, 2.0, 3.0, 10.0 }, 2.0, new[] { 1.0, 1.0, 0.667, 0.2 })]
    public void Peers_are_clipped_to_the_lower_median_norm(double[] norms, double median, double[] factors)
    {
        var peers = norms.Select((n, i) => Peer($"p{i}", (0, (float)n))).ToArray();
        var update = SparseLoCoAggregator.Aggregate(peers);
        Assert.Equal(median, update.MedianNorms[0], 6);
        for (var i = 0; i < norms.Length; i++)
        {
            Assert.Equal(factors[i], SparseSubmission.ClipFactor(norms[i], median), 3);
        }
    }

    [Fact]
    public void Result_is_bit_identical_for_any_arrival_order_and_thread_count()
    {
        var manifest = Models.Small();
        var submissions = Enumerable.Range(0, 5).Select(s => Payloads.Submission(manifest, s)).ToArray();
        var reference = SparseLoCoAggregator.Aggregate([.. submissions.Select((s, i) => new PeerSubmission($"peer{i}", s))], 1);
        var gen = from seed in Gen.Choose(0, int.MaxValue)
                  from threads in Gen.Elements(1, 2, 3, 8)
                  select (seed, threads);
        Prop.ForAll(Arb.From(gen), c =>
        {
            var random = new Random(c.seed);
            var shuffled = submissions.Select((s, i) => new PeerSubmission($"peer{i}", s)).OrderBy(_ => random.Next()).ToArray();
            var update = SparseLoCoAggregator.Aggregate(shuffled, c.threads);
            return update.Tensors.Zip(reference.Tensors).All(p => p.First.AsSpan().SequenceEqual(p.Second));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(20));
        Assert.Equal(["peer0", "peer1", "peer2", "peer3", "peer4"], reference.PeerOrder);
    }

    [Fact]
    public void Duplicate_peer_keys_and_foreign_manifests_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SparseLoCoAggregator.Aggregate([Peer("A", (1, 1f)), Peer("A", (2, 1f))]));
        var other = new TensorManifest([new TensorSpec("v", 16)]);
        var foreign = new PeerSubmission("B", new SparseSubmission(other, [SparseTensor.FromValues(other[0], 1, [1], [1f])]));
        Assert.Throws<ArgumentException>(() => SparseLoCoAggregator.Aggregate([Peer("A", (1, 1f)), foreign]));
    }

    [Fact]
    public void The_aggregate_norm_is_bounded_by_kappa_times_the_median_however_many_peers_fill_it_in()
    {
        // 16 peers on disjoint slots, each of norm 1: the scatter-mean keeps every value whole, so
        // the aggregate's norm is √16 = 4 times a peer's, and κ = 2 halves it (direction unchanged).
        var peers = Enumerable.Range(0, 16).Select(p => Peer($"p{p:D2}", ((ushort)p, p % 2 == 0 ? 1f : -1f))).ToArray();
        var unbounded = SparseLoCoAggregator.Aggregate(peers).Tensors[0];
        var bounded = SparseLoCoAggregator.Aggregate(peers, maxNormToMedian: 2).Tensors[0];
        Assert.Equal(4.0, Math.Sqrt(unbounded.Sum(v => (double)v * v)), 5);
        Assert.Equal(2.0, Math.Sqrt(bounded.Sum(v => (double)v * v)), 5);
        Assert.All(unbounded.Zip(bounded), p => Assert.Equal(p.First / 2, p.Second, 6));

        // Two peers stay under the bound: nothing changes.
        Assert.Equal(SparseLoCoAggregator.Aggregate(peers[..2]).Tensors[0], SparseLoCoAggregator.Aggregate(peers[..2], maxNormToMedian: 2).Tensors[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseLoCoAggregator.Aggregate(peers, maxNormToMedian: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseLoCoAggregator.Aggregate(peers, maxNormToMedian: double.NaN));
    }

    [Fact]
    public void Outer_step_is_plain_SGD_and_skips_non_finite_tensors()
    {
        var manifest = new TensorManifest([new TensorSpec("a", 3), new TensorSpec("b", 2)]);
        float[][] parameters = [[1f, 2f, 3f], [5f, 5f]];
        var skipped = new OuterOptimizer(manifest, new OuterStepOptions { LearningRate = 0.4f })
            .Step(parameters, [[1f, -1f, 0f], [float.NaN, 1f]]);
        Assert.Equal([1f - 0.4f, 2f + 0.4f, 3f], parameters[0]);
        Assert.Equal([5f, 5f], parameters[1]);
        Assert.Equal(["b"], skipped);
    }

    [Fact]
    public void Nesterov_momentum_follows_torch_SGD()
    {
        var manifest = new TensorManifest([new TensorSpec("a", 1)]);
        float[][] parameters = [[0f]];
        var optimizer = new OuterOptimizer(manifest, new OuterStepOptions { LearningRate = 0.5f, Momentum = 0.9f, Nesterov = true });
        optimizer.Step(parameters, [[1f]]); // buf = 1, step = 1 + 0.9·1 = 1.9
        Assert.Equal(-0.95f, parameters[0][0], 6);
        optimizer.Step(parameters, [[1f]]); // buf = 1.9, step = 1 + 0.9·1.9 = 2.71
        Assert.Equal(-0.95f - 1.355f, parameters[0][0], 5);
        Assert.Equal(1.9f, optimizer.MomentumBuffers![0][0], 6);
    }

    [Fact]
    public void Validator_trial_applies_one_peer_clipped_to_the_round_median()
    {
        var small = Peer("A", (5, 1f), (9, 0f));
        var big = Peer("B", (5, 30f), (7, -40f)); // norm 50
        var medians = SparseLoCoAggregator.MedianNorms([small.Submission, big.Submission]); // lower median: 1
        var dense = big.Submission.Densify(medians);
        Assert.Equal(30f / 50f, dense[0][5], 5);
        float[][] parameters = [new float[16]];
        OuterOptimizer.Apply(One, parameters, dense, 1.0f * 0.2f);
        Assert.Equal(-0.2f * 30f / 50f, parameters[0][5], 5);
        Assert.Equal(0.2f * 40f / 50f, parameters[0][7], 5);
    }

    [Fact]
    public void Two_replicas_applying_the_same_round_get_identical_weights()
    {
        var manifest = Models.Small();
        var peers = Enumerable.Range(0, 4).Select(s => new PeerSubmission($"p{s}", Payloads.Submission(manifest, s))).ToArray();
        float[][] Replica(IEnumerable<PeerSubmission> arrival, int threads)
        {
            var weights = Models.Gradient(manifest, 99);
            var update = SparseLoCoAggregator.Aggregate([.. arrival], threads);
            new OuterOptimizer(manifest, new OuterStepOptions { LearningRate = 0.4f }).Step(weights, update.Tensors);
            return weights;
        }

        var first = Replica(peers, 1);
        var second = Replica(peers.Reverse(), 4);
        Assert.All(first.Zip(second), p => Assert.Equal(p.First, p.Second));
    }
}
