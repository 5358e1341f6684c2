using System.Diagnostics;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Training;

namespace L402Train.Bench.Model;

/// <summary>Stopwatch figures printed as name=value lines.</summary>
internal static class QuickBench
{
    public static int Run(string[] args)
    {
        if (args.Contains("--profile"))
        {
            Profile.Run(GptConfig.Tiny, 1, 8, 64, 5);
            Profile.Run(GptConfig.Tiny, 2, 8, 64, 5);
            return 0;
        }

        var corpus = TextCorpus.Generated(seed: 1, stories: 2000);
        if (args.Contains("--loss"))
        {
            ShortRun(corpus, int.Parse(args[Array.IndexOf(args, "--loss") + 1]), 4, 64, verbose: true);
            return 0;
        }

        var threads = Environment.ProcessorCount;
        Console.WriteLine($"threads={threads}");
        Console.WriteLine($"corpus_train_tokens={corpus.Train.Length}");
        Console.WriteLine($"corpus_heldout_tokens={corpus.HeldOut.Length}");

        var tiny = MeasureTraining(GptConfig.Tiny, corpus, 8, 64, steps: 20);
        Console.WriteLine($"train_tokens_per_s_tiny={tiny:F0}");
        var small = MeasureTraining(GptConfig.Small, corpus, 8, 64, steps: 6);
        Console.WriteLine($"train_tokens_per_s_small={small:F0}");
        var (naive, fast, naiveLoss, fastLoss) = CompareWithNaive(corpus, 4, 64, steps: 2);
        Console.WriteLine($"naive_step_ms={naive:F1}");
        Console.WriteLine($"fast_step_ms={fast:F1}");
        Console.WriteLine($"naive_first_loss={naiveLoss:F6}");
        Console.WriteLine($"fast_first_loss={fastLoss:F6}");
        Console.WriteLine($"speedup_vs_naive={naive / fast:F2}");
        return 0;
    }

    /// <summary>Step time of the scalar port and of the engine, same model, batch and weights.</summary>
    private static (double NaiveMs, double FastMs, double NaiveLoss, double FastLoss) CompareWithNaive(TextCorpus corpus, int batchSize, int seq, int steps)
    {
        var model = GptModel.Create(GptConfig.Tiny, seed: 3);
        var naive = new Naive.NaiveGpt(GptConfig.Tiny, model.Parameters);
        var trainer = new LocalTrainer(model, new AdamWOptions { WeightDecay = 0, GradientClipNorm = 0, LearningRate = 1e-3f });
        var batch = new BatchSampler(corpus.Train, batchSize, seq).Sample(5, 0, 0);
        var naiveLoss = naive.Step(batch.Inputs, batch.Targets, batchSize, seq, 1e-3f);
        var fastLoss = trainer.Step(batch);
        trainer.Step(batch);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            naive.Step(batch.Inputs, batch.Targets, batchSize, seq, 1e-3f);
        }

        var naiveMs = watch.Elapsed.TotalMilliseconds / steps;
        var fastSteps = steps * 5;
        watch.Restart();
        for (var i = 0; i < fastSteps; i++)
        {
            trainer.Step(batch);
        }

        return (naiveMs, watch.Elapsed.TotalMilliseconds / fastSteps, naiveLoss, fastLoss);
    }

    /// <summary>A short tiny run on the shipped corpus: (first loss, last loss, held-out before, held-out after).</summary>
    private static (double Start, double End, double HeldOutStart, double HeldOutEnd, double Seconds) ShortRun(
        TextCorpus corpus, int steps, int batchSize, int seq, bool verbose)
    {
        var model = GptModel.Create(GptConfig.Tiny, seed: 1);
        var trainer = new LocalTrainer(model, new AdamWOptions { LearningRate = 3e-3f, WarmupSteps = 10, TotalSteps = steps });
        var sampler = new BatchSampler(corpus.Train, batchSize, seq);
        var heldOut = new BatchSampler(corpus.HeldOut, 8, seq).Batches(seed: 99, round: 0, count: 4);
        var heldOutStart = model.EvaluateLoss(heldOut);
        var batch = new TokenBatch(batchSize, seq);
        var losses = new double[steps];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            sampler.Fill(batch, 1, 0, i);
            losses[i] = trainer.Step(batch);
            if (verbose && i % 25 == 0)
            {
                Console.WriteLine($"step {i} loss {losses[i]:F4} heldout {model.EvaluateLoss(heldOut):F4}");
            }
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var start = losses.Take(10).Average();
        var end = losses.TakeLast(10).Average();
        var heldOutEnd = model.EvaluateLoss(heldOut);
        if (verbose)
        {
            Console.WriteLine($"start {start:F4} end {end:F4} heldout {heldOutStart:F4} -> {heldOutEnd:F4} in {seconds:F1}s");
        }

        return (start, end, heldOutStart, heldOutEnd, seconds);
    }

    private static double MeasureTraining(GptConfig config, TextCorpus corpus, int batchSize, int seq, int steps)
    {
        var model = GptModel.Create(config, seed: 1);
        var trainer = new LocalTrainer(model, new AdamWOptions());
        var sampler = new BatchSampler(corpus.Train, batchSize, seq);
        var batch = sampler.Sample(1, 0, 0);
        trainer.Step(batch);
        trainer.Step(batch);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            sampler.Fill(batch, 1, 0, i);
            trainer.Step(batch);
        }

        return steps * (double)batch.TokenCount / watch.Elapsed.TotalSeconds;
    }
}
