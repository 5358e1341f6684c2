using System.Diagnostics;
using System.Globalization;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Inference;
using L402Train.Model.Optim;
using L402Train.Model.Training;

namespace L402Train.Bench.Model;

/// <summary>
/// The engine against PyTorch (OpenBLAS) and against the machine's fp32 peak, for tiny and small,
/// training and inference, at one thread and at every core, each pair timed back to back so both
/// see the same load; then generation speed with and without the KV cache. name=value lines.
/// </summary>
internal static class EngineFigures
{
    private const int Batch = 8;
    private const int Seq = 64;

    public static int Run(bool withTorch, int? onlyThreads = null, bool generate = true)
    {
        var peak = MachinePeak.Read();
        Print("load_average_start", LoadAverage());
        Console.WriteLine($"cpu={peak.Flags} clock_ghz={peak.ClockGHz:F3} fma_pipes={peak.FmaPipes} fp32_lanes={peak.Lanes}");
        Print("peak_gflops_per_core", peak.GFlops(1));
        var corpus = TextCorpus.Generated(seed: 1, stories: 300);
        var batch = new BatchSampler(corpus.Train, Batch, Seq).Sample(1, 0, 0);
        var blasPrinted = false;
        foreach (var threads in onlyThreads is { } only ? [only] : new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            foreach (var config in new[] { GptConfig.Tiny, GptConfig.Small })
            {
                var name = $"{config.Name}_t{threads}";
                var (trainMs, trainCpuMs, forwardMs, forwardCpuMs) = MeasureEngine(config, batch, threads);
                Report("train", name, trainMs, trainCpuMs, StepFlops.Training(config, Batch, Seq), peak, threads);
                Report("forward", name, forwardMs, forwardCpuMs, StepFlops.Forward(config, Batch, Seq), peak, threads);
                if (!withTorch) continue;
                var torchTrain = PyTorchStep.Measure(config.Name, Batch, Seq, threads);
                var torchForward = PyTorchStep.Measure(config.Name, Batch, Seq, threads, forwardOnly: true);
                if (torchTrain is null || torchForward is null)
                {
                    Console.WriteLine("# pytorch skipped: /usr/bin/python3 with torch not found (apt-get install -y python3-torch libopenblas0-pthread)");
                    withTorch = false;
                    continue;
                }

                if (!blasPrinted)
                {
                    Console.WriteLine($"pytorch_blas={torchTrain.Blas}");
                    blasPrinted = true;
                }

                // Against Debian's reference BLAS PyTorch runs ~6x slower than it is: a ratio against that would flatter the
                // engine, so without OpenBLAS no ratio is printed at all.
                if (!torchTrain.Blas.Contains("openblas", StringComparison.OrdinalIgnoreCase))
                {
                    Console.WriteLine($"# pytorch ratios skipped: torch runs on {torchTrain.Blas}, not OpenBLAS (apt-get install -y libopenblas0-pthread)");
                    withTorch = false;
                    continue;
                }

                Console.WriteLine($"pytorch_layout_{name}=torch_threads:{torchTrain.Threads},openblas_threads:{torchTrain.OpenBlasThreads}");
                Print($"pytorch_train_step_ms_{name}", torchTrain.StepMs);
                Print($"pytorch_train_gflops_{name}", StepFlops.Training(config, Batch, Seq) / torchTrain.StepMs / 1e6);
                Print($"train_step_ratio_vs_pytorch_{name}", trainMs / torchTrain.StepMs);
                Print($"pytorch_train_cpu_ms_{name}", torchTrain.CpuMs);
                Print($"train_cpu_ratio_vs_pytorch_{name}", trainCpuMs / torchTrain.CpuMs);
                Print($"pytorch_forward_ms_{name}", torchForward.StepMs);
                Print($"forward_ratio_vs_pytorch_{name}", forwardMs / torchForward.StepMs);
                Print($"pytorch_forward_cpu_ms_{name}", torchForward.CpuMs);
                Print($"forward_cpu_ratio_vs_pytorch_{name}", forwardCpuMs / torchForward.CpuMs);
            }
        }

        if (generate) MeasureGeneration(GptConfig.Small, threads: 1, newTokens: 128);
        Print("load_average_end", LoadAverage());
        return 0;
    }

    /// <summary>
    /// Wall-clock figures against the peak of the cores used, and CPU-time figures: GFLOP/s per
    /// CPU-second against one core's peak, which is what a step costs when other work shares the
    /// cores (wall time then mostly measures the waiting).
    /// </summary>
    private static void Report(string kind, string name, double ms, double cpuMs, double flops, MachinePeak peak, int threads)
    {
        var gflops = flops / ms / 1e6;
        var perCpu = flops / cpuMs / 1e6;
        Print($"engine_{kind}_ms_{name}", ms);
        Print($"engine_{kind}_gflops_{name}", gflops);
        Print($"engine_{kind}_pct_of_peak_{name}", 100 * gflops / peak.GFlops(threads));
        Print($"engine_{kind}_cpu_ms_{name}", cpuMs);
        Print($"engine_{kind}_pct_of_core_peak_per_cpu_s_{name}", 100 * perCpu / peak.GFlops(1));
    }

    /// <summary>
    /// Mean training step (forward, backward, AdamW) and forward-only pass, wall and CPU time
    /// (the calling thread's at one thread, where the kernels run inline; the process's otherwise),
    /// after a warm-up long enough for tiered compilation.
    /// </summary>
    private static (double TrainMs, double TrainCpuMs, double ForwardMs, double ForwardCpuMs) MeasureEngine(GptConfig config, TokenBatch batch, int threads)
    {
        var model = GptModel.Create(config, seed: 1, threads);
        var trainer = new LocalTrainer(model, new AdamWOptions());
        var steps = config == GptConfig.Tiny ? 8 : 4;
        for (var i = 0; i < 6; i++) trainer.Step(batch);
        var (trainMs, trainCpuMs) = Time(threads, steps, () => trainer.Step(batch));
        for (var i = 0; i < 30; i++) model.Loss(batch);
        var (forwardMs, forwardCpuMs) = Time(threads, steps * 2, () => model.Loss(batch));
        return (trainMs, trainCpuMs, forwardMs, forwardCpuMs);
    }

    private static (double Ms, double CpuMs) Time(int threads, int repeats, Func<double> work)
    {
        TimeSpan Cpu() => threads == 1 && ThreadCpuTime.IsCpuTime ? ThreadCpuTime.Now() : Process.GetCurrentProcess().TotalProcessorTime;
        var cpu = Cpu();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++) work();
        return (watch.Elapsed.TotalMilliseconds / repeats, (Cpu() - cpu).TotalMilliseconds / repeats);
    }

    /// <summary>Tokens per second generating from a 16-token prompt, with the KV cache and without, same model and options.</summary>
    private static void MeasureGeneration(GptConfig config, int threads, int newTokens)
    {
        var model = GptModel.Create(config, seed: 1, threads);
        var generator = new GptGenerator(model, threads);
        var prompt = Enumerable.Range(0, 16).Select(i => 65 + i).ToArray();
        // Sampled, not greedy: untrained weights would repeat one byte, which is no harder but reads oddly.
        var options = new GenerationOptions { MaxNewTokens = newTokens, Temperature = 1f, Seed = 1, StopTokens = [] };
        generator.Complete(prompt, options with { MaxNewTokens = 32 }); // warm-up
        var watch = Stopwatch.StartNew();
        var first = TimeSpan.Zero;
        var count = 0;
        foreach (var _ in generator.Generate(prompt, options))
        {
            if (count++ == 0) first = watch.Elapsed;
        }

        var cachedSeconds = watch.Elapsed.TotalSeconds;
        generator.Complete(prompt, options with { MaxNewTokens = 4, UseKvCache = false }); // warm-up
        watch.Restart();
        var uncachedCount = generator.Generate(prompt, options with { UseKvCache = false }).Count();
        var uncachedSeconds = watch.Elapsed.TotalSeconds;
        var name = $"{config.Name}_t{threads}";
        Print($"generate_new_tokens_{name}", count);
        Print($"generate_first_token_ms_kv_cache_{name}", first.TotalMilliseconds);
        Print($"generate_tokens_per_s_kv_cache_{name}", count / cachedSeconds);
        Print($"generate_tokens_per_s_no_cache_{name}", uncachedCount / uncachedSeconds);
        Print($"generate_kv_cache_speedup_{name}", (count / cachedSeconds) / (uncachedCount / uncachedSeconds));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static void Print(string name, double value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));

    private static void Print(string name, string value) => Console.WriteLine($"{name}={value}");
}
