using System.Diagnostics;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;

namespace L402Train.Bench.Model;

/// <summary>Rough split of a training step's time (forward, backward, optimizer).</summary>
internal static class Profile
{
    public static void Run(GptConfig config, int threads, int batchSize, int seq, int steps)
    {
        var corpus = TextCorpus.Generated(seed: 1, stories: 200);
        var model = GptModel.Create(config, seed: 1, threads: threads);
        var optimizer = new AdamW(model.Parameters.Layout, new AdamWOptions(), threads);
        var batch = new BatchSampler(corpus.Train, batchSize, seq).Sample(1, 0, 0);
        model.ComputeGradients(batch);
        double forward = 0, backward = 0, adam = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            var w = Stopwatch.StartNew();
            model.Loss(batch);
            forward += w.Elapsed.TotalMilliseconds;
            w.Restart();
            model.ComputeGradients(batch);
            backward += w.Elapsed.TotalMilliseconds;
            w.Restart();
            optimizer.Step(model.Parameters, model.Gradients);
            adam += w.Elapsed.TotalMilliseconds;
        }

        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / steps;
        Console.WriteLine($"profile cpu_ms_per_iteration={cpuMs:F1} wall_ms={wall.Elapsed.TotalMilliseconds / steps:F1}");
        Console.WriteLine($"profile {config.Name} threads={threads} forward_ms={forward / steps:F1} forward_backward_ms={backward / steps:F1} adamw_ms={adam / steps:F1}");
    }
}
