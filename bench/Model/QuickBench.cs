using System.Diagnostics;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Training;

namespace L402Train.Bench.Model;

/// <summary>Stopwatch figures printed as name=value lines (all cores unless noted).</summary>
internal static class QuickBench
{
    private const int Batch = 8;
    private const int Seq = 64;

    public static int Run(string corpusName)
    {
        var chosen = CorpusNames.Parse(corpusName);
        if (chosen is null || (chosen == CorpusNames.Kjv && !KjvBible.IsInstalled))
        {
            Console.Error.WriteLine(chosen is null ? $"error: --corpus must be one of {string.Join(", ", CorpusNames.All)}" : $"error: {KjvBible.MissingMessage}");
            return 2;
        }

        // The KJV split here uses a fixed public seed: a bench has no secret to keep.
        var corpus = chosen == CorpusNames.Kjv ? TextCorpus.Kjv(secretSeed: 1) : TextCorpus.Generated(seed: 1, stories: 2000);
        Console.WriteLine($"corpus={chosen}");
        var threads = Environment.ProcessorCount;
        Console.WriteLine($"threads={threads}");
        Console.WriteLine($"batch={Batch}");
        Console.WriteLine($"seq={Seq}");
        Console.WriteLine($"corpus_train_tokens={corpus.Train.Length}");
        Console.WriteLine($"corpus_heldout_tokens={corpus.HeldOut.Length}");

        var (tinyMs, tinyAllocated, tinyCpuMs) = MeasureTraining(GptConfig.Tiny, corpus, steps: 10);
        Console.WriteLine($"train_step_ms_tiny={tinyMs:F2}");
        // CPU time (all threads) per step: what the step costs when the cores are shared with other work.
        Console.WriteLine($"train_step_cpu_ms_tiny={tinyCpuMs:F2}");
        Console.WriteLine($"train_tokens_per_cpu_s_tiny={Batch * Seq * 1000 / tinyCpuMs:F0}");
        Console.WriteLine($"train_tokens_per_s_tiny={Batch * Seq * 1000 / tinyMs:F0}");
        Console.WriteLine($"allocated_bytes_per_step_tiny={tinyAllocated:F0}");
        var (tinyOneThreadMs, _, _) = MeasureTraining(GptConfig.Tiny, corpus, steps: 10, threads: 1);
        Console.WriteLine($"train_tokens_per_s_tiny_1_thread={Batch * Seq * 1000 / tinyOneThreadMs:F0}");
        var (smallMs, _, smallCpuMs) = MeasureTraining(GptConfig.Small, corpus, steps: 4);
        Console.WriteLine($"train_tokens_per_cpu_s_small={Batch * Seq * 1000 / smallCpuMs:F0}");
        Console.WriteLine($"train_tokens_per_s_small={Batch * Seq * 1000 / smallMs:F0}");
        Console.WriteLine($"eval_tokens_per_s_small={MeasureEvaluation(GptConfig.Small, corpus, batches: 6):F0}");

        var (naiveMs, fastMs, naiveLoss, fastLoss) = CompareWithNaive(corpus, 4, Seq);
        Console.WriteLine($"naive_step_ms={naiveMs:F1}");
        Console.WriteLine($"fast_step_ms={fastMs:F2}");
        Console.WriteLine($"naive_first_loss={naiveLoss:F6}");
        Console.WriteLine($"fast_first_loss={fastLoss:F6}");
        Console.WriteLine($"speedup_vs_naive={naiveMs / fastMs:F2}");

        var run = ShortRun(corpus, steps: 120, batchSize: 4, seq: Seq);
        Console.WriteLine($"loss_start={run.Start:F4}");
        Console.WriteLine($"loss_end={run.End:F4}");
        Console.WriteLine($"heldout_loss_start={run.HeldOutStart:F4}");
        Console.WriteLine($"heldout_loss_end={run.HeldOutEnd:F4}");
        // Context: the best context-free byte model (train unigram frequencies) on the held-out text.
        Console.WriteLine($"heldout_unigram_loss={UnigramLoss(corpus):F4}");
        Console.WriteLine($"heldout_bits_per_byte_end={run.HeldOutEnd / Math.Log(2):F4}");

        var torch = PyTorchStep.Measure("tiny", Batch, Seq, threads);
        if (torch is { } timing)
        {
            // Our step time just before, so both see the same machine load.
            var (oursMs, _, _) = MeasureTraining(GptConfig.Tiny, corpus, steps: 5);
            Console.WriteLine($"pytorch_blas={timing.Blas}");
            Console.WriteLine($"pytorch_step_ms_tiny={timing.StepMs:F2}");
            Console.WriteLine($"step_ratio_vs_pytorch={oursMs / timing.StepMs:F3}");
        }
        else
        {
            Console.WriteLine("# step_ratio_vs_pytorch skipped: python3 with torch not found (apt-get install -y python3-torch)");
        }

        return 0;
    }

    private static double UnigramLoss(TextCorpus corpus)
    {
        var counts = new double[256];
        foreach (var t in corpus.Train.Tokens)
        {
            counts[t]++;
        }

        var total = 0.0;
        foreach (var t in corpus.HeldOut.Tokens)
        {
            total -= Math.Log((counts[t] + 1) / (corpus.Train.Length + 256));
        }

        return total / corpus.HeldOut.Length;
    }

    /// <summary>Mean step time (forward, backward, AdamW) and bytes allocated per step.</summary>
    private const int WarmUpSteps = 12;

    private static (double Ms, double AllocatedBytes, double CpuMs) MeasureTraining(GptConfig config, TextCorpus corpus, int steps, int threads = 0)
    {
        var model = GptModel.Create(config, seed: 1, threads);
        var trainer = new LocalTrainer(model, new AdamWOptions());
        var sampler = new BatchSampler(corpus.Train, Batch, Seq);
        var batch = sampler.Sample(1, 0, 0);
        // Tiered compilation optimizes a method after ~30 calls plus a background delay; with 3
        // warm-up steps the first figure (tiny on all cores) timed partly unoptimized code and read
        // slower than the single-threaded one measured after it.
        for (var i = 0; i < WarmUpSteps; i++)
        {
            trainer.Step(batch);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            sampler.Fill(batch, 1, 0, i);
            trainer.Step(batch);
        }

        var ms = watch.Elapsed.TotalMilliseconds / steps;
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / steps;
        return (ms, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)steps, cpuMs);
    }

    private static double MeasureEvaluation(GptConfig config, TextCorpus corpus, int batches)
    {
        var model = GptModel.Create(config, seed: 1);
        var set = new BatchSampler(corpus.HeldOut, Batch, Seq).Batches(1, 0, batches);
        model.EvaluateLoss(set.Take(2));
        var watch = Stopwatch.StartNew();
        model.EvaluateLoss(set);
        return batches * Batch * Seq / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Step time of the scalar port and of the engine: same model, batch and weights.</summary>
    private static (double NaiveMs, double FastMs, double NaiveLoss, double FastLoss) CompareWithNaive(TextCorpus corpus, int batchSize, int seq)
    {
        var model = GptModel.Create(GptConfig.Tiny, seed: 3);
        var naive = new Naive.NaiveGpt(GptConfig.Tiny, model.Parameters);
        var trainer = new LocalTrainer(model, new AdamWOptions { WeightDecay = 0, GradientClipNorm = 0, LearningRate = 1e-3f });
        var batch = new BatchSampler(corpus.Train, batchSize, seq).Sample(5, 0, 0);
        var naiveLoss = naive.Step(batch.Inputs, batch.Targets, batchSize, seq, 1e-3f);
        var fastLoss = trainer.Step(batch);
        trainer.Step(batch);
        var watch = Stopwatch.StartNew();
        naive.Step(batch.Inputs, batch.Targets, batchSize, seq, 1e-3f);
        var naiveMs = watch.Elapsed.TotalMilliseconds;
        const int fastSteps = 5;
        watch.Restart();
        for (var i = 0; i < fastSteps; i++)
        {
            trainer.Step(batch);
        }

        return (naiveMs, watch.Elapsed.TotalMilliseconds / fastSteps, naiveLoss, fastLoss);
    }

    /// <summary>A short tiny run on the shipped corpus: mean loss of the first and last 10 steps, held-out loss before and after.</summary>
    public static (double Start, double End, double HeldOutStart, double HeldOutEnd) ShortRun(TextCorpus corpus, int steps, int batchSize, int seq, bool verbose = false)
    {
        var model = GptModel.Create(GptConfig.Tiny, seed: 1);
        var trainer = new LocalTrainer(model, new AdamWOptions { LearningRate = 3e-3f, WarmupSteps = 10, TotalSteps = steps });
        var sampler = new BatchSampler(corpus.Train, batchSize, seq);
        var heldOut = new BatchSampler(corpus.HeldOut, 8, seq).Batches(seed: 99, round: 0, count: 4);
        var heldOutStart = model.EvaluateLoss(heldOut);
        var batch = new TokenBatch(batchSize, seq);
        var losses = new double[steps];
        for (var i = 0; i < steps; i++)
        {
            sampler.Fill(batch, 1, 0, i);
            losses[i] = trainer.Step(batch);
            if (verbose && i % 25 == 0)
            {
                Console.WriteLine($"step {i} loss {losses[i]:F4} heldout {model.EvaluateLoss(heldOut):F4}");
            }
        }

        return (losses.Take(10).Average(), losses.TakeLast(10).Average(), heldOutStart, model.EvaluateLoss(heldOut));
    }
}
