using System.Globalization;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Lightning.Lnd;
using L402Train.Lightning.Simnet;
using L402Train.PeerAgent.Training;
using L402Train.Silo.Hosting;
using Spectre.Console;

namespace L402Train.Silo.Demo;

/// <summary>What <c>silo demo</c> runs.</summary>
/// <param name="Profiles">One profile per peer.</param>
/// <param name="Rounds">Rounds to run.</param>
/// <param name="InnerSteps">K local steps per round.</param>
/// <param name="DataDir">Where the embedded cluster keeps its SQLite file, blobs and simnet.</param>
/// <param name="Store">The grain store (default: SQLite in <paramref name="DataDir"/>).</param>
internal sealed record DemoOptions(IReadOnlyList<PeerProfile> Profiles, int Rounds, int InnerSteps, string DataDir, GrainStoreAddress? Store = null)
{
    /// <summary>The bubblewrap executable the silo's validator would evaluate bounties under.</summary>
    public string BubblewrapPath { get; init; } = SiloSettings.DefaultBubblewrapPath;

    /// <summary>False on a host without the sandbox: the validator then validates training only.</summary>
    public bool ValidatesBounties { get; init; } = true;

    /// <summary>The training text (<c>generated</c> or <c>kjv</c>); the command line picks kjv where it is installed.</summary>
    public string Corpus { get; init; } = L402Train.Model.Corpus.CorpusNames.Generated;
}

/// <summary>
/// An embedded cluster (SQLite, simnet) and in-process peers: each peer has its own simnet node
/// reached through the LND REST facade and pays through the L402 handler, exactly as a separate
/// <c>peer-agent</c> process would.
/// </summary>
internal sealed class DemoRunner(DemoOptions options, IAnsiConsole console)
{
    private const long PeerFundingSat = 2_000_000;

    /// <summary>Runs the demo and returns the report.</summary>
    public async Task<DemoReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        // The peers stand in for separate processes but train on this process's thread pool, each
        // holding a thread for seconds: give the pool room for them so the coordinator's own async
        // work (HTTP, settles) is not starved while threads are injected one by one.
        ThreadPool.GetMinThreads(out var workerThreads, out var ioThreads);
        ThreadPool.SetMinThreads(Math.Max(workerThreads, (2 * options.Profiles.Count) + Environment.ProcessorCount), ioThreads);
        Directory.CreateDirectory(options.DataDir);
        var settings = new SiloSettings(options.Store ?? new GrainStoreAddress("sqlite", Path.Combine(options.DataDir, "l402train.db")), options.DataDir,
            new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "gateway", "validator", "settler" }, ["http://127.0.0.1:0"], "demo")
        {
            BubblewrapPath = options.BubblewrapPath,
            ValidatesBounties = options.ValidatesBounties,
            SimnetFaucet = true, // the demo is development: wallets from the faucet
        };
        var schedule = new RewardSchedule { RoundQuota = options.Profiles.Count, RoundDuration = TimeSpan.FromMinutes(30) };
        await using var app = SiloHost.Build(settings, training: new TrainingOptions(new TrainingSetup { Corpus = options.Corpus }, schedule));
        var network = app.Services.GetRequiredService<SimnetNetwork>();
        var names = options.Profiles.Select((p, i) => $"peer{i + 1}-{p.Name()}").ToList();
        foreach (var name in names) network.CreateFundedNode(name, new Sats(PeerFundingSat)); // before the ledger opens: capital, not revenue
        await app.StartAsync(cancellationToken);
        var baseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        console.MarkupLine($"[bold]L402Train demo[/]: coordinator at {baseUri}, {names.Count} peers ({string.Join(", ", options.Profiles.Select(p => p.Name()))}), {options.Rounds} rounds, K={options.InnerSteps}, corpus {options.Corpus}");

        var board = new CopyBoard();
        var peers = names.Select((name, i) => CreatePeer(name, options.Profiles[i], (ulong)(i + 1), baseUri, network, board)).ToList();
        var startBalances = await Task.WhenAll(peers.Select(p => p.Wallet.GetBalanceAsync(cancellationToken)));
        var results = new List<PeerRoundResult>[peers.Count];
        for (var i = 0; i < results.Length; i++) results[i] = [];

        var rounds = new List<DemoRound>();
        var table = new Table().Title("rounds").AddColumns("round", "loss before", "loss after", "submitted", "accepted", "rejected", "refunded", "forfeited", "rewards (sat)", "seconds");
        async Task RunRounds(Action refresh)
        {
            for (var r = 1; r <= options.Rounds; r++)
            {
                var outcomes = await Task.WhenAll(peers.Select(p => p.Trainer.RunRoundAsync(cancellationToken)));
                for (var i = 0; i < outcomes.Length; i++) results[i].Add(outcomes[i]);
                var round = await WaitForAggregationAsync(grains, outcomes[0].Round, cancellationToken);
                var row = await SummarizeAsync(grains, round, outcomes);
                rounds.Add(row);
                table.AddRow(row.Round.ToString(CultureInfo.InvariantCulture), F(row.LossBefore), F(row.LossAfter), $"{row.Submitted}", $"{row.Accepted}",
                    string.Join(" ", row.Rejected.Select(kv => $"{kv.Key}:{kv.Value}")), $"{row.DepositsRefunded}", $"{row.DepositsForfeited}",
                    $"{row.RewardsPaidSat}", $"{row.Seconds:0.0}");
                refresh();
            }
        }
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Live(table).StartAsync(live => RunRounds(live.Refresh));
        }
        else
        {
            // A log or a pipe gets one line per round as it finishes, then the table.
            await RunRounds(() => console.WriteLine(Line(rounds[^1])));
            console.Write(table);
        }

        var ledger = await LedgerReconciliation.CheckAsync(grains, app.Services.GetRequiredService<ILightningNode>(), app.Services.GetRequiredService<StandardFeeInvoices>(), cancellationToken);
        var endBalances = await Task.WhenAll(peers.Select(p => p.Wallet.GetBalanceAsync(cancellationToken)));
        var peerRows = new List<DemoPeer>();
        for (var i = 0; i < peers.Count; i++)
        {
            var mine = results[i];
            var net = (endBalances[i].Local.ToSatsFloor().Value + endBalances[i].PendingOutgoing.ToSatsFloor().Value) - startBalances[i].Local.ToSatsFloor().Value;
            peerRows.Add(new DemoPeer(names[i], options.Profiles[i].Name(), mine.Count(x => x.Verdict == "accepted"),
                mine.GroupBy(x => x.Verdict ?? "none").ToDictionary(g => g.Key, g => g.Count()),
                mine.Sum(x => x.RewardSats), mine.Where(x => x.Deposit == "forfeited").Sum(x => x.DepositSats), net));
        }
        var figures = await FiguresAsync(grains, results, rounds);
        PrintSummary(peerRows, figures, ledger, rounds);
        console.WriteLine(await DemoMetricsScrape.TakeAsync(baseUri, options.DataDir, cancellationToken));
        await app.StopAsync(cancellationToken);
        return new DemoReport(rounds, peerRows, figures, ledger.Reconciled, ledger.DifferenceSat, ledger.InSat, ledger.OutSat,
            TimeProvider.System.GetElapsedTime(started).TotalSeconds);
    }

    private (PeerTrainer Trainer, ILightningNode Wallet) CreatePeer(string name, PeerProfile profile, ulong seed, Uri baseUri, SimnetNetwork network, CopyBoard board)
    {
        var node = network.GetNode(name);
        var wallet = new LndRestClient(new LndRestOptions(new Uri(baseUri, $"simnet/{name}/"), node.MacaroonHex));
        var handler = new L402PaymentHandler(wallet, new L402ClientOptions { Budget = new L402Budget(new Sats(10_000)) })
        {
            InnerHandler = new SocketsHttpHandler(),
        };
        var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(10) };
        var trainer = new PeerTrainer(new CoordinatorClient(http), wallet, name, profile,
            new PeerTrainerOptions { InnerSteps = options.InnerSteps, DataSeed = seed }, TimeProvider.System, board);
        return (trainer, wallet);
    }

    private static async Task<RoundState> WaitForAggregationAsync(IGrainFactory grains, int number, CancellationToken cancellationToken)
    {
        var round = grains.GetGrain<IRoundGrain>(number);
        while (true)
        {
            var state = await round.GetAsync();
            if (state.Status == RoundStatus.Aggregated) return state;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private static async Task<DemoRound> SummarizeAsync(IGrainFactory grains, RoundState round, PeerRoundResult[] outcomes)
    {
        var submissions = await Task.WhenAll(round.Submissions.Select(s => grains.GetGrain<ISubmissionGrain>(s.Id).GetAsync()));
        var rejected = round.Submissions.Where(s => s.Reason is not null and not VerdictReason.Accepted)
            .GroupBy(s => Name(s.Reason!.Value)).ToDictionary(g => g.Key, g => g.Count());
        var validate = submissions.Length == 0 ? 0 : submissions.Average(s => s.ValidationCpuMs) / 1000;
        return new DemoRound(round.Number, round.LossBefore, round.LossAfter, round.Submissions.Count,
            round.Submissions.Count(s => s.Reason == VerdictReason.Accepted), rejected,
            submissions.Count(s => s.Deposit == DepositStatus.Refunded), submissions.Count(s => s.Deposit == DepositStatus.Forfeited),
            outcomes.Sum(o => o.RewardSats), ((round.AggregatedAt ?? round.OpenedAt) - round.OpenedAt).TotalSeconds,
            outcomes.Average(o => o.TrainSeconds), outcomes.Average(o => o.CompressSeconds), outcomes.Average(o => o.UploadSeconds), validate,
            ((round.AggregatedAt ?? round.OpenedAt) - (round.ClosedAt ?? round.OpenedAt)).TotalSeconds);
    }

    // Overhead is CPU over CPU: validator thread CPU per scored submission over an honest peer's thread CPU for its K steps.
    private async Task<DemoFigures> FiguresAsync(IGrainFactory grains, List<PeerRoundResult>[] results, List<DemoRound> rounds)
    {
        var all = results.SelectMany(x => x).ToList();
        var states = await Task.WhenAll(all.Select(r => grains.GetGrain<ISubmissionGrain>(r.SubmissionId).GetAsync()));
        var settle = states.Where(s => s.DecidedAt is not null && s.DepositResolvedAt is not null)
            .Select(s => (s.DepositResolvedAt!.Value - s.DecidedAt!.Value).TotalMilliseconds).Order().ToList();
        var honest = results.Where((_, i) => options.Profiles[i] == PeerProfile.Honest).SelectMany(x => x).Where(r => r.TrainCpuSeconds > 0).ToList();
        var meanTrainCpu = honest.Count == 0 ? 0 : honest.Average(r => r.TrainCpuSeconds);
        var scored = states.Where(s => s.Verdict is { Reason: VerdictReason.Accepted or VerdictReason.BelowThreshold or VerdictReason.Harmful }).ToList();
        var meanValidation = scored.Select(s => s.ValidationCpuMs).DefaultIfEmpty(0).Average();
        // Round 1 also pays the validator process's one-time JIT and model set-up; later rounds show the steady cost.
        var meanWarmValidation = scored.Where(s => s.Received!.Round > 1).Select(s => s.ValidationCpuMs).DefaultIfEmpty(0).Average();
        return new DemoFigures(meanTrainCpu == 0 ? 0 : 100 * meanValidation / 1000 / meanTrainCpu, Percentile(settle, 0.5), Percentile(settle, 0.99),
            honest.Count == 0 ? 0 : honest.Average(r => r.TrainSeconds), meanTrainCpu * 1000, meanValidation,
            (int)all.Average(r => r.PayloadBytes), rounds.FirstOrDefault()?.LossBefore ?? 0, rounds.LastOrDefault()?.LossAfter ?? 0)
        {
            ValidationOverheadPctAfterRound1 = meanTrainCpu == 0 ? 0 : 100 * meanWarmValidation / 1000 / meanTrainCpu,
        };
    }

    private void PrintSummary(List<DemoPeer> peers, DemoFigures figures, LedgerReconciliation ledger, List<DemoRound> rounds)
    {
        var table = new Table().Title("peers").AddColumns("peer", "profile", "accepted", "verdicts", "rewards (sat)", "forfeited (sat)", "net (sat)");
        foreach (var p in peers)
            table.AddRow(p.Peer, p.Profile, $"{p.Accepted}", string.Join(" ", p.Verdicts.Select(kv => $"{kv.Key}:{kv.Value}")), $"{p.RewardsSat}", $"{p.DepositsForfeitedSat}", $"{p.NetSat}");
        console.Write(table);
        console.MarkupLine($"ledger: in {ledger.InSat} sat, out {ledger.OutSat} sat, expected {ledger.ExpectedSat}, node {ledger.ActualSat}: " +
            (ledger.Reconciled ? "[green]reconciled[/]" : $"[red]differs by {ledger.DifferenceSat} sat[/]"));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"validation_overhead_pct={figures.ValidationOverheadPct:0.00}\nvalidation_overhead_pct_after_round_1={figures.ValidationOverheadPctAfterRound1:0.00}\nvalidation_cpu_ms_mean={figures.MeanValidationCpuMs:0.0}\npeer_train_cpu_ms_mean={figures.MeanTrainCpuMs:0.0}\nsettle_latency_ms_p50={figures.SettleLatencyMsP50:0.0}\nsettle_latency_ms_p99={figures.SettleLatencyMsP99:0.0}\nloss_start={figures.LossStart:0.0000}\nloss_end={figures.LossEnd:0.0000}"));
        // Round time breakdown, mean over rounds: a peer's train, compress and upload (wall), the validator's CPU per submission, the aggregation (wall).
        if (rounds.Count > 0)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round_seconds={rounds.Average(r => r.Seconds):0.00}\nround_train_seconds={rounds.Average(r => r.TrainSeconds):0.00}\nround_compress_seconds={rounds.Average(r => r.CompressSeconds):0.000}\nround_upload_seconds={rounds.Average(r => r.UploadSeconds):0.000}\nround_validate_cpu_seconds={rounds.Average(r => r.ValidateSeconds):0.000}\nround_aggregate_seconds={rounds.Average(r => r.AggregateSeconds):0.000}"));
        }
    }

    private static string Line(DemoRound r) => string.Create(CultureInfo.InvariantCulture,
        $"round {r.Round}: loss {F(r.LossBefore)} -> {F(r.LossAfter)}, submitted {r.Submitted}, accepted {r.Accepted}, rejected {{{string.Join(", ", r.Rejected.Select(kv => $"{kv.Key}:{kv.Value}"))}}}, refunded {r.DepositsRefunded}, forfeited {r.DepositsForfeited}, rewards {r.RewardsPaidSat} sat, {r.Seconds:0.0} s");

    private static double Percentile(List<double> sorted, double q) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static string F(double? value) => value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";

    private static string Name(VerdictReason reason) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString());
}
