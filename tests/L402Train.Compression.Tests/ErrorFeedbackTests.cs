using FsCheck;
using FsCheck.Fluent;

namespace L402Train.Compression.Tests;

public sealed class ErrorFeedbackTests
{
    [Fact]
    public void New_EF_plus_transmitted_equals_decayed_EF_plus_delta()
    {
        var manifest = Models.Small();
        var gen = from seed in Gen.Choose(0, int.MaxValue)
                  from rounds in Gen.Choose(1, 3)
                  from quantize in Gen.Elements(true, false)
                  from threads in Gen.Elements(1, 2, 4)
                  select (seed, rounds, quantize, threads);
        Prop.ForAll(Arb.From(gen), c =>
        {
            var settings = new CompressionSettings { Quantize = c.quantize, MaxDegreeOfParallelism = c.threads };
            var encoder = new SparseLoCoEncoder(manifest, settings);
            for (var round = 0; round < c.rounds; round++)
            {
                var before = Enumerable.Range(0, manifest.Count).Select(t => encoder.ErrorFeedback(t).ToArray()).ToArray();
                var delta = Models.Gradient(manifest, c.seed + round);
                var submission = encoder.Compress(Models.AsMemory(delta));
                for (var t = 0; t < manifest.Count; t++)
                {
                    var transmitted = submission.Tensors[t].ToDense();
                    var after = encoder.ErrorFeedback(t);
                    for (var i = 0; i < after.Length; i++)
                    {
                        var expected = (0.95f * before[t][i]) + delta[t][i];
                        if (Math.Abs(after[i] + transmitted[i] - expected) > 1e-5f * Math.Max(1f, Math.Abs(expected)))
                        {
                            return false;
                        }
                    }
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(15));
    }

    [Fact]
    public void Without_quantization_and_with_k_equal_to_the_chunk_EF_becomes_zero()
    {
        var manifest = Models.Small();
        var encoder = new SparseLoCoEncoder(manifest, new CompressionSettings { Quantize = false, TopK = 4096 });
        encoder.Compress(Models.AsMemory(Models.Gradient(manifest, 1)));
        for (var t = 0; t < manifest.Count; t++)
        {
            Assert.All(encoder.ErrorFeedback(t).ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Deferred_residuals_give_the_same_bits_as_settling_EF_between_rounds()
    {
        var manifest = Models.Small();
        var lazy = new SparseLoCoEncoder(manifest);
        var eager = new SparseLoCoEncoder(manifest);
        for (var round = 0; round < 4; round++)
        {
            var delta = Models.AsMemory(Models.Gradient(manifest, 30 + round));
            var fromLazy = lazy.Compress(delta);
            var fromEager = eager.Compress(delta);
            for (var t = 0; t < manifest.Count; t++)
            {
                _ = eager.ErrorFeedback(t); // settles the residual now instead of in the next round
            }

            Assert.Equal(fromEager.ToBytes(WireVersion.V1), fromLazy.ToBytes(WireVersion.V1));
        }

        for (var t = 0; t < manifest.Count; t++)
        {
            Assert.Equal(eager.ErrorFeedback(t).ToArray(), lazy.ErrorFeedback(t).ToArray());
        }
    }

    [Fact]
    public void Null_round_zeroes_error_feedback()
    {
        var manifest = Models.Small();
        var encoder = new SparseLoCoEncoder(manifest);
        encoder.Compress(Models.AsMemory(Models.Gradient(manifest, 2)));
        Assert.Contains(encoder.ErrorFeedback(0).ToArray(), v => v != 0);
        encoder.ResetErrorFeedback();
        Assert.All(encoder.ErrorFeedback(0).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Kept_values_are_the_top_k_of_the_updated_EF_in_every_chunk()
    {
        var manifest = Models.Small();
        var encoder = new SparseLoCoEncoder(manifest, new CompressionSettings { Quantize = false });
        var delta = Models.Gradient(manifest, 5);
        var submission = encoder.Compress(Models.AsMemory(delta));
        for (var t = 0; t < manifest.Count; t++)
        {
            var layout = manifest[t].Layout;
            var chunks = new float[manifest[t].ElementCount];
            layout.ToChunks(delta[t], chunks);
            var sparse = submission.Tensors[t];
            for (var chunk = 0; chunk < layout.ChunkCount; chunk++)
            {
                var slice = chunks.AsSpan(chunk * layout.ChunkLength, layout.ChunkLength).ToArray();
                var expected = Enumerable.Range(0, slice.Length).OrderByDescending(i => Math.Abs(slice[i])).ThenBy(i => i).Take(sparse.K).Order();
                Assert.Equal(expected.Select(i => (ushort)i), sparse.ChunkIndices(chunk).ToArray());
                Assert.Equal(expected.Select(i => slice[i]), sparse.ChunkValues(chunk).ToArray());
            }
        }
    }

    [Fact]
    public void Result_does_not_depend_on_thread_count()
    {
        var manifest = Models.Small();
        var delta = Models.AsMemory(Models.Gradient(manifest, 9));
        var one = new SparseLoCoEncoder(manifest, new CompressionSettings { MaxDegreeOfParallelism = 1 }).Compress(delta);
        var many = new SparseLoCoEncoder(manifest, new CompressionSettings { MaxDegreeOfParallelism = 8 }).Compress(delta);
        Assert.Equal(one.ToBytes(WireVersion.V1), many.ToBytes(WireVersion.V1));
    }

    [Fact]
    public void Non_finite_input_is_rejected_and_error_feedback_reset()
    {
        var manifest = Models.Small();
        var encoder = new SparseLoCoEncoder(manifest);
        encoder.Compress(Models.AsMemory(Models.Gradient(manifest, 2)));
        var bad = Models.Gradient(manifest, 3);
        bad[1][77] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => encoder.Compress(Models.AsMemory(bad)));
        Assert.Contains("attn.w", error.Message, StringComparison.Ordinal);
        Assert.All(encoder.ErrorFeedback(0).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Dictionary_input_needs_every_tensor()
    {
        var manifest = Models.Small();
        var encoder = new SparseLoCoEncoder(manifest);
        var delta = Models.Gradient(manifest, 4);
        var byName = manifest.Tensors.Select((t, i) => (t.Name, delta[i])).ToDictionary(x => x.Name, x => x.Item2);
        Assert.Equal(manifest.Count, encoder.Compress(byName).Tensors.Count);
        byName.Remove("bias");
        Assert.Throws<ArgumentException>(() => encoder.Compress(byName));
    }
}
