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
        var threads = Environment.ProcessorCount;
        Console.WriteLine($"threads={threads}");
        Console.WriteLine($"corpus_train_tokens={corpus.Train.Length}");
        Console.WriteLine($"corpus_heldout_tokens={corpus.HeldOut.Length}");

        var tiny = MeasureTraining(GptConfig.Tiny, corpus, 8, 64, steps: 20);
        Console.WriteLine($"train_tokens_per_s_tiny={tiny:F0}");
        var small = MeasureTraining(GptConfig.Small, corpus, 8, 64, steps: 6);
        Console.WriteLine($"train_tokens_per_s_small={small:F0}");
        return 0;
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
