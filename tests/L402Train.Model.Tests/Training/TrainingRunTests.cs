using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Training;

namespace L402Train.Model.Tests.Training;

public sealed class TrainingRunTests
{
    [Fact]
    public void Tiny_model_loss_falls_on_the_shipped_corpus_and_held_out_loss_falls_below_a_unigram_model()
    {
        var corpus = TextCorpus.Generated(seed: 1, stories: 400);
        var model = GptModel.Create(GptConfig.Tiny, seed: 1);
        const int steps = 100;
        var trainer = new LocalTrainer(model, new AdamWOptions { LearningRate = 3e-3f, WarmupSteps = 10, TotalSteps = steps });
        var sampler = new BatchSampler(corpus.Train, batchSize: 4, sequenceLength: 64);
        var heldOut = new BatchSampler(corpus.HeldOut, 8, 64).Batches(seed: 99, round: 0, count: 2);

        var heldOutBefore = model.EvaluateLoss(heldOut);
        var losses = new double[steps];
        var batch = new TokenBatch(4, 64);
        for (var i = 0; i < steps; i++)
        {
            sampler.Fill(batch, seed: 1, round: 0, index: i);
            losses[i] = trainer.Step(batch);
        }

        var heldOutAfter = model.EvaluateLoss(heldOut);
        // An untrained byte model starts near ln 256 ≈ 5.55 nats.
        Assert.InRange(heldOutBefore, 5.3, 5.8);
        Assert.True(losses.TakeLast(10).Average() < losses.Take(10).Average() - 1.5, $"training loss {losses.Take(10).Average():F3} -> {losses.TakeLast(10).Average():F3}");
        // Below the best context-free (unigram) byte model means the model uses context.
        var unigram = UnigramCrossEntropy(corpus.Train.Tokens, corpus.HeldOut.Tokens);
        Assert.True(heldOutAfter < unigram - 0.3, $"held-out loss {heldOutBefore:F3} -> {heldOutAfter:F3}; unigram {unigram:F3}");
    }

    private static double UnigramCrossEntropy(int[] train, int[] heldOut)
    {
        var counts = new double[256];
        foreach (var t in train)
        {
            counts[t]++;
        }

        var total = 0.0;
        foreach (var t in heldOut)
        {
            total -= Math.Log((counts[t] + 1) / (train.Length + 256));
        }

        return total / heldOut.Length;
    }
}
