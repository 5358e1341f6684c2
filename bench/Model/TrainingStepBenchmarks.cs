using BenchmarkDotNet.Attributes;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Training;

namespace L402Train.Bench.Model;

/// <summary>Full-mode BenchmarkDotNet measurement of one training step and one evaluation batch.</summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private LocalTrainer _trainer = null!;
    private TokenBatch _batch = null!;

    [Params("tiny", "small")]
    public string Config { get; set; } = "tiny";

    [GlobalSetup]
    public void Setup()
    {
        var corpus = TextCorpus.Generated(seed: 1, stories: 200);
        _trainer = new LocalTrainer(GptModel.Create(GptConfig.FromName(Config), seed: 1), new AdamWOptions());
        _batch = new BatchSampler(corpus.Train, 8, 64).Sample(1, 0, 0);
    }

    [Benchmark]
    public double TrainingStep() => _trainer.Step(_batch);

    [Benchmark]
    public double EvaluationBatch() => _trainer.Model.Loss(_batch);
}
