using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Training;

namespace L402Train.Model.Tests.Training;

public sealed class PseudoGradientTests
{
    private static readonly TextCorpus Corpus = TextCorpus.Generated(seed: 2, stories: 60);

    [Fact]
    public void Round_delta_is_start_minus_end_and_applying_it_reaches_the_end_weights()
    {
        var model = GptModel.Create(GptConfig.Tiny, seed: 3);
        var start = model.Snapshot();
        var sampler = new BatchSampler(Corpus.Train, 2, 32);
        var result = new LocalTrainer(model, new AdamWOptions()).RunRound(3, i => sampler.Sample(1, 0, i));
        var end = model.Snapshot();

        Assert.Equal(3, result.Losses.Count);
        Assert.Equal(model.Parameters.Layout, result.Delta.Layout);
        var wte = result.Delta["wte"].Values.Span;
        Assert.Contains(wte.ToArray(), v => v != 0);
        for (var i = 0; i < start.Count; i++)
        {
            Assert.Equal(start.Buffer[i] - end.Buffer[i], result.Delta.Buffer[i]);
        }

        model.Restore(start);
        model.ApplyDelta(result.Delta, 1.0f);
        for (var i = 0; i < start.Count; i++)
        {
            Assert.Equal(end.Buffer[i], model.Parameters.Buffer[i], 1e-6f);
        }
    }

    [Fact]
    public void Delta_lowers_the_loss_when_applied_to_a_fresh_copy()
    {
        var model = GptModel.Create(GptConfig.Tiny, seed: 4);
        var sampler = new BatchSampler(Corpus.Train, 4, 64);
        var evaluation = sampler.Batches(seed: 50, round: 0, count: 2);
        var fresh = GptModel.FromParameters(GptConfig.Tiny, model.Parameters);
        var before = fresh.EvaluateLoss(evaluation);
        var result = new LocalTrainer(model, new AdamWOptions { LearningRate = 3e-3f }).RunRound(8, i => sampler.Sample(1, 0, i));
        fresh.ApplyDelta(result.Delta, 1.0f);
        Assert.True(fresh.EvaluateLoss(evaluation) < before - 0.5);
    }

    [Fact]
    public void Parameters_are_named_tensors_with_shapes_in_a_fixed_order()
    {
        var model = GptModel.Create(GptConfig.Tiny, seed: 1);
        var tensors = model.Parameters.Tensors;
        Assert.Equal(2 + (12 * 4) + 2, tensors.Count);
        Assert.Equal(GptConfig.Tiny.ParameterCount, model.Parameters.Count);
        Assert.Equal(858_880, model.Parameters.Count);
        Assert.Equal(4_870_144, GptConfig.Small.ParameterCount);
        Assert.Equal(["wte", "wpe", "h.0.ln_1.weight", "h.0.ln_1.bias", "h.0.attn.c_attn.weight"], tensors.Take(5).Select(t => t.Name));
        Assert.Equal([384, 128], model.Parameters["h.0.attn.c_attn.weight"].Shape);
        Assert.Equal([128, 512], model.Parameters["h.3.mlp.c_proj.weight"].Shape);
        Assert.Equal("ln_f.bias", tensors[^1].Name);
        var offset = 0;
        foreach (var t in tensors)
        {
            Assert.Equal(offset, t.Spec.Offset);
            Assert.Equal(t.Shape.Aggregate(1, (a, b) => a * b), t.Values.Length);
            Assert.All(t.Shape, d => Assert.Equal(0, d % 64));
            offset += t.Values.Length;
        }
    }

    [Fact]
    public void Config_names_resolve_and_unknown_names_are_refused()
    {
        Assert.Same(GptConfig.Tiny, GptConfig.FromName("tiny"));
        Assert.Same(GptConfig.Small, GptConfig.FromName("SMALL"));
        Assert.True(GptConfig.Small.IsChunkAligned);
        var error = Assert.Throws<ArgumentException>(() => GptConfig.FromName("huge"));
        Assert.Contains("tiny", error.Message);
    }

    [Fact]
    public void Out_of_vocabulary_tokens_and_too_long_sequences_are_refused()
    {
        var model = GptModel.Create(new GptConfig("t", 64, 8, 1, 64, 2), seed: 1);
        var batch = new TokenBatch(1, 4);
        batch.Inputs[2] = 64;
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Loss(batch));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Loss(new TokenBatch(1, 9)));
    }
}
