using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Training;

namespace L402Train.Model.Tests.Training;

public sealed class DeterminismTests
{
    private static readonly TextCorpus Corpus = TextCorpus.Generated(seed: 5, stories: 60);

    private static (float[] Weights, double[] Losses, double HeldOut) Train(int threads)
    {
        var model = GptModel.Create(GptConfig.Tiny, seed: 11, threads: threads);
        var trainer = new LocalTrainer(model, new AdamWOptions { WarmupSteps = 2 });
        var sampler = new BatchSampler(Corpus.Train, 3, 40);
        var losses = new double[3];
        for (var i = 0; i < losses.Length; i++)
        {
            losses[i] = trainer.Step(sampler.Sample(7, 1, i));
        }

        var heldOut = model.EvaluateLoss(new BatchSampler(Corpus.HeldOut, 5, 48).Batches(3, 0, 2));
        return (model.Parameters.Buffer, losses, heldOut);
    }

    [Fact]
    public async Task Models_training_concurrently_on_shared_workers_match_a_lone_run()
    {
        var alone = Train(2);
        // Several models dispatch at once: one gets the worker pool, the others run their ranges inline.
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Train(2))));
        foreach (var run in runs)
        {
            Assert.True(alone.Weights.AsSpan().SequenceEqual(run.Weights), "weights differ");
            Assert.Equal(BitConverter.DoubleToInt64Bits(alone.HeldOut), BitConverter.DoubleToInt64Bits(run.HeldOut));
        }
    }

    [Fact]
    public void Same_seed_gives_identical_initial_weights_and_different_seeds_differ()
    {
        var a = GptModel.Create(GptConfig.Tiny, seed: 42).Parameters.Buffer;
        var b = GptModel.Create(GptConfig.Tiny, seed: 42).Parameters.Buffer;
        var c = GptModel.Create(GptConfig.Tiny, seed: 43).Parameters.Buffer;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Training_and_evaluation_are_bit_identical_across_runs_and_thread_counts()
    {
        var one = Train(1);
        var again = Train(1);
        var two = Train(2);
        var three = Train(3);
        foreach (var other in new[] { again, two, three })
        {
            Assert.True(one.Weights.AsSpan().SequenceEqual(other.Weights), "weights differ");
            Assert.Equal(one.Losses, other.Losses);
            Assert.Equal(BitConverter.DoubleToInt64Bits(one.HeldOut), BitConverter.DoubleToInt64Bits(other.HeldOut));
        }
    }
}

public sealed class AllocationTests
{
    [Fact]
    public void A_training_step_allocates_nothing_once_warm()
    {
        var corpus = TextCorpus.Generated(seed: 6, stories: 40);
        var model = GptModel.Create(GptConfig.Tiny, seed: 1, threads: 1);
        var trainer = new LocalTrainer(model, new AdamWOptions { WarmupSteps = 2 });
        var sampler = new BatchSampler(corpus.Train, 2, 32);
        var batch = new TokenBatch(2, 32);
        for (var i = 0; i < 2; i++)
        {
            sampler.Fill(batch, 1, 0, i);
            trainer.Step(batch);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 2; i < 4; i++)
        {
            sampler.Fill(batch, 1, 0, i);
            trainer.Step(batch);
            model.Loss(batch);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Sampler_start_matches_the_documented_stream()
    {
        for (ulong seed = 0; seed < 50; seed++)
        {
            Assert.Equal(new L402Train.Model.Randomness.DeterministicRandom(seed).NextInt(1000 + (int)seed), L402Train.Model.Randomness.DeterministicRandom.FirstInt(seed, 1000 + (int)seed));
        }
    }
}
