using System.Globalization;
using L402Train.Bench.Training;

// Prints one name=value line per figure. --quick finishes in about a minute on 2 cores, with a loss
// run of 3 rounds that only shows SparseLoCo's early lag. Without it the loss runs are 3 peers ×
// 100 rounds × K = 10 (about 7 minutes per seed on 2 cores), long enough for SparseLoCo to catch up
// with dense averaging and pass it, and the gap is printed every 10 rounds along the way.
var quick = args.Contains("--quick");
var print = (string name, double value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.####}"));

double? Real(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
string? Text(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
int? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;

if (!args.Contains("--no-overhead"))
{
    var overhead = ValidationOverhead.Measure(peers: quick ? 2 : 4, submissionsPerRound: 8);
    print("peer_train_cpu_ms_k30", overhead.PeerTrainCpuMs);
    print("validation_cpu_ms_per_submission", overhead.ValidationCpuMs);
    print("validation_before_losses_cpu_ms_per_round", overhead.BeforeLossesCpuMs);
    print("validation_overhead_pct", overhead.OverheadPct);
}

// --peers, --rounds, --inner-steps, --top-k (per 4,096-element chunk) override the run's size;
// --sparse-outer-lr sets SparseLoCo's outer learning rate (dense averaging keeps 1); --ef-decay the peers' β.
var size = quick ? new LossGapRun(Peers: 3, Rounds: 3, InnerSteps: 10) : new LossGapRun(Peers: 3, Rounds: 100, InnerSteps: 10, ReportEvery: 10);
var run = new LossGapRun(Option("--peers") ?? size.Peers, Option("--rounds") ?? size.Rounds, Option("--inner-steps") ?? size.InnerSteps, Option("--top-k") ?? size.TopK, Real("--sparse-outer-lr") ?? 1.0, (float)(Real("--ef-decay") ?? 0.95), (float)(Real("--inner-lr") ?? 3e-3), Option("--batch") ?? 8, Nesterov: !args.Contains("--no-nesterov"), ReportEvery: Option("--report-every") ?? size.ReportEvery,
    // --outer-norm-limit κ: the coordinator's bound on the aggregate (RewardSchedule.OuterStepNormLimit); Infinity: none.
    OuterStepNormLimit: Real("--outer-norm-limit") ?? new L402Train.Grains.Training.RewardSchedule().OuterStepNormLimit);
// --corpus kjv|generated: the text the loss runs train and score on. The default stays generated,
// so the figures docs/training.md lists for these commands are reproduced by the same commands.
var corpusName = L402Train.Model.Corpus.CorpusNames.Parse(Text("--corpus") ?? L402Train.Model.Corpus.CorpusNames.Generated);
if (corpusName is null)
{
    Console.Error.WriteLine($"error: --corpus must be one of {string.Join(", ", L402Train.Model.Corpus.CorpusNames.All)}");
    return 2;
}

if (corpusName == L402Train.Model.Corpus.CorpusNames.Kjv && !L402Train.Model.Corpus.KjvBible.IsInstalled)
{
    Console.Error.WriteLine($"error: {L402Train.Model.Corpus.KjvBible.MissingMessage}");
    return 2;
}

run = run with { Corpus = corpusName };
Console.WriteLine($"loss_corpus={corpusName}");
print("loss_peers", run.Peers);
print("loss_rounds", run.Rounds);
print("loss_inner_steps", run.InnerSteps);
print("loss_top_k", run.TopK);
// --seeds N repeats the loss runs with N different sets of peer data seeds: one run's gap moves
// by several points with the data order alone, so a figure is the mean over seeds.
var seeds = Option("--seeds") ?? 1;
var gaps = Enumerable.Range(0, seeds).Select(seed => LossGap.Measure(run with { DataSeed = seed })).ToArray();
var gapsPct = gaps.Select(g => 100 * (g.Sparse - g.Dense) / g.Dense).ToArray();
for (var seed = 0; seed < seeds && seeds > 1; seed++)
{
    print($"loss_gap_vs_dense_pct_seed{seed}", gapsPct[seed]);
}

// --report-every R: the gap after every R rounds of the same runs (mean over seeds).
for (var i = 0; i < gaps[0].Curve.Count - 1; i++)
{
    var round = gaps[0].Curve[i].Round;
    print($"loss_gap_vs_dense_pct_round{round}", gaps.Average(g => 100 * (g.Curve[i].Sparse - g.Curve[i].Dense) / g.Curve[i].Dense));
    // Byte-level tokens: nats per token are nats per byte, and bits per byte = nats / ln 2.
    print($"heldout_bits_per_byte_dense_round{round}", gaps.Average(g => g.Curve[i].Dense) / Math.Log(2));
    print($"heldout_bits_per_byte_sparseloco_round{round}", gaps.Average(g => g.Curve[i].Sparse) / Math.Log(2));
}

var gap = gaps[0] with
{
    Dense = gaps.Average(g => g.Dense),
    Sparse = gaps.Average(g => g.Sparse),
    SparseNesterov = gaps[0].SparseNesterov is null ? null : gaps.Average(g => g.SparseNesterov ?? 0),
};
print("loss_initial", gap.Initial);
print("loss_dense", gap.Dense);
print("loss_sparseloco", gap.Sparse);
print("loss_gap_vs_dense_pct", gapsPct.Average());
print("heldout_bits_per_byte_initial", gap.Initial / Math.Log(2));
print("heldout_bits_per_byte_dense", gap.Dense / Math.Log(2));
print("heldout_bits_per_byte_sparseloco", gap.Sparse / Math.Log(2));
if (seeds > 1)
{
    print("loss_gap_vs_dense_pct_min", gapsPct.Min());
    print("loss_gap_vs_dense_pct_max", gapsPct.Max());
}

if (gap.SparseNesterov is { } nesterov)
{
    print("loss_sparseloco_nesterov", nesterov);
    print("nesterov_loss_change_pct", 100 * (nesterov - gap.Sparse) / gap.Sparse);
}

return 0;
