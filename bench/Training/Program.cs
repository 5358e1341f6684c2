using System.Globalization;
using L402Train.Bench.Training;

// Prints one name=value line per figure. --quick finishes in about a minute on 2 cores; without it
// the run uses the demo's sizes (K = 30, 4 peers, 5 rounds) and takes several minutes.
var quick = args.Contains("--quick");
var print = (string name, double value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.####}"));

double? Real(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
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
var size = quick ? new LossGapRun(Peers: 3, Rounds: 3, InnerSteps: 10) : new LossGapRun(Peers: 4, Rounds: 5, InnerSteps: 30);
var run = new LossGapRun(Option("--peers") ?? size.Peers, Option("--rounds") ?? size.Rounds, Option("--inner-steps") ?? size.InnerSteps, Option("--top-k") ?? size.TopK, Real("--sparse-outer-lr") ?? 1.0, (float)(Real("--ef-decay") ?? 0.95), (float)(Real("--inner-lr") ?? 3e-3), Option("--batch") ?? 8, Nesterov: !args.Contains("--no-nesterov"));
var gap = LossGap.Measure(run);
print("loss_initial", gap.Initial);
print("loss_dense", gap.Dense);
print("loss_sparseloco", gap.Sparse);
print("loss_gap_vs_dense_pct", 100 * (gap.Sparse - gap.Dense) / gap.Dense);
if (gap.SparseNesterov is { } nesterov)
{
    print("loss_sparseloco_nesterov", nesterov);
    print("nesterov_loss_change_pct", 100 * (nesterov - gap.Sparse) / gap.Sparse);
}
return 0;
