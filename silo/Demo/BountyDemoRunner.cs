using System.Globalization;
using L402Train.Protocol.Bounties;
using L402Train.Bounties.Shipped;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Lightning.Lnd;
using L402Train.Lightning.Simnet;
using L402Train.PeerAgent.Bounties;
using L402Train.Silo.Hosting;
using Spectre.Console;

namespace L402Train.Silo.Demo;

/// <summary>What the bounty track of <c>silo demo</c> runs.</summary>
/// <param name="DataDir">Where the embedded cluster keeps its SQLite file, blobs, simnet, baselines and <c>results.jsonl</c>.</param>
/// <param name="HonestAgents">Hill-climbing agents (at least 1; the last one is the front-runner's victim).</param>
/// <param name="Iterations">Local proposals per honest agent.</param>
/// <param name="Seed">Seed of the shipped bounty's data.</param>
/// <param name="PublicCount">Messages in the public set.</param>
/// <param name="HeldOutCount">Messages in the held-out set.</param>
/// <param name="PoolSat">What the sponsor funds.</param>
/// <param name="Store">The grain store (default: SQLite in <paramref name="DataDir"/>).</param>
internal sealed record BountyDemoOptions(
    string DataDir, int HonestAgents = 2, int Iterations = 30, int Seed = 42, int PublicCount = 400, int HeldOutCount = 400, long PoolSat = 20_000,
    GrainStoreAddress? Store = null)
{
    /// <summary>The bubblewrap executable the validator evaluates under.</summary>
    public string BubblewrapPath { get; init; } = SiloSettings.DefaultBubblewrapPath;
}

/// <summary>
/// The bounty track: an embedded cluster (SQLite, simnet, the bubblewrap validator), a sponsor
/// funding the shipped spam-filter bounty, and in-process agents, each with its own simnet wallet
/// behind the LND facade and the L402 handler: honest hill climbers, a gaming agent that
/// hard-codes the public answers, a diff attacker (path traversal) and a front-runner that copies
/// a revealed diff.
/// </summary>
internal sealed partial class BountyDemoRunner(BountyDemoOptions options, IAnsiConsole console)
{
    private const long AgentFundingSat = 200_000;
    private readonly List<DemoBountyAgent> rows = [];
    private readonly Table table = new Table().Title("bounty agents").AddColumns("agent", "role", "verdict", "reason", "public", "held-out", "reward (sat)", "deposit");

    /// <summary>Runs the track and returns its report.</summary>
    public async Task<DemoBounty> RunAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        Directory.CreateDirectory(options.DataDir);
        var settings = new SiloSettings(options.Store ?? new GrainStoreAddress("sqlite", Path.Combine(options.DataDir, "l402train.db")), options.DataDir,
            new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "gateway", "validator", "settler" }, ["http://127.0.0.1:0"], "bounty-demo")
        {
            BubblewrapPath = options.BubblewrapPath,
            SimnetFaucet = true, // the demo is development: wallets from the faucet
        };
        await using var app = SiloHost.Build(settings);
        var network = app.Services.GetRequiredService<SimnetNetwork>();
        var honest = Enumerable.Range(1, Math.Max(1, options.HonestAgents)).Select(i => $"honest-{i}").ToList();
        string[] names = ["sponsor", .. honest, "gamer", "attacker", "copier"];
        foreach (var name in names) network.CreateFundedNode(name, new Sats(AgentFundingSat)); // before the ledger opens: capital, not revenue
        await app.StartAsync(cancellationToken);
        var baseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        var log = new ProvenanceLog(Path.Combine(options.DataDir, "results.jsonl"), TimeProvider.System);
        var people = names.ToDictionary(n => n, n => CreateParticipant(n, baseUri, network, log));
        console.MarkupLine($"[bold]bounty track[/]: coordinator at {baseUri}, sponsor + {honest.Count} honest, gamer, attacker, copier; {options.Iterations} local proposals each");

        var (bountyId, macaroon) = await FundAsync(people["sponsor"], cancellationToken);
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Live(table).StartAsync(live => PlayAsync(bountyId, people, honest, live.Refresh, cancellationToken));
        }
        else
        {
            await PlayAsync(bountyId, people, honest, () => console.WriteLine(Line(rows[^1])), cancellationToken);
            console.Write(table);
        }

        var report = await SummarizeAsync(people["sponsor"].Client, bountyId, macaroon, cancellationToken);
        var ledger = await LedgerReconciliation.CheckAsync(app.Services.GetRequiredService<IGrainFactory>(), app.Services.GetRequiredService<ILightningNode>(), app.Services.GetRequiredService<StandardFeeInvoices>(), cancellationToken);
        report = report with { LedgerReconciled = ledger.Reconciled, Seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds };
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"bounty {report.Id}: v{report.Version}, held-out {report.BaselineScore:0.####} -> {report.BestScore:0.####}, accepted {report.Accepted}, rejected {{{string.Join(", ", report.Rejected.Select(kv => $"{kv.Key}:{kv.Value}"))}}}, paid {report.PaidSat} sat (+{report.FeeSat} fee), {report.HeldSat} sat held back, {report.RemainingSat} sat left; ledger ")
            + (ledger.Reconciled ? "[green]reconciled[/]" : $"[red]differs by {ledger.DifferenceSat} sat[/]"));
        console.MarkupLine($"provenance log: [bold]{Markup.Escape(log.Path)}[/]");
        console.WriteLine(await DemoMetricsScrape.TakeAsync(baseUri, options.DataDir, cancellationToken));
        await app.StopAsync(cancellationToken);
        return report;
    }

    private async Task<(string Id, string SponsorMacaroon)> FundAsync(Participant sponsor, CancellationToken cancellationToken)
    {
        var generated = ShippedBounty.Generate(options.Seed, options.PublicCount, options.HeldOutCount);
        var task = ShippedBounty.Task;
        var created = await sponsor.Client.CreateAsync(new CreateBountyRequest
        {
            Title = task.Title, Description = task.Description, Metric = task.Metric, Direction = "maximize", EvalCommand = task.EvalCommand, TargetFiles = task.TargetGlobs,
            BaselineTarball = Convert.ToBase64String(ShippedBounty.BaselineArchive(generated)), HeldOutTarball = Convert.ToBase64String(ShippedBounty.HeldOutArchive(generated)),
            TotalSats = options.PoolSat, Deadline = TimeProvider.System.GetUtcNow().AddHours(1), RateSatsPerUnit = 100_000, MinImprovement = 0.01, MaxDiffBytes = task.MaxDiffBytes,
            ForbiddenPatterns = ["curl", "wget"], EvalTimeoutS = 30, EvalMemoryMb = 256, Repeats = 1,
        }, cancellationToken);
        var payment = await sponsor.Wallet.PayAsync(new PaymentRequest(created.FundingInvoice, new Sats(10).ToMilliSats(), TimeSpan.FromSeconds(60)), cancellationToken);
        if (payment.Status != PaymentStatus.Succeeded) throw new InvalidOperationException($"The sponsor could not fund {created.Id}: {payment.FailureReason}");
        var deadline = TimeProvider.System.GetUtcNow().AddMinutes(2);
        while ((await sponsor.Client.ListAsync("active", cancellationToken)).All(b => b.Id != created.Id))
        {
            if (TimeProvider.System.GetUtcNow() > deadline) throw new TimeoutException($"{created.Id} did not become active after its funding was paid.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
        console.MarkupLine($"sponsor funded [bold]{created.Id}[/] with {options.PoolSat} sat (held-out sha256 {created.HeldOutHash[..16]}…)");
        return (created.Id, created.SponsorMacaroon);
    }

    private async Task<DemoBounty> SummarizeAsync(BountyClient client, string id, string sponsorMacaroon, CancellationToken cancellationToken)
    {
        var submissions = await client.SubmissionsAsync(id, sponsorMacaroon, cancellationToken);
        var board = await client.LeaderboardAsync(id, cancellationToken);
        var summary = (await client.ListAsync(null, cancellationToken)).Single(b => b.Id == id);
        var paid = submissions.Where(s => s.Reward == "paid").ToList();
        return new DemoBounty(id, submissions.Count(s => s.Status == "accepted"),
            submissions.Where(s => s.Status == "rejected").GroupBy(s => s.Reason ?? "unknown").ToDictionary(g => g.Key, g => g.Count()),
            paid.Sum(s => s.ClaimableSats) + paid.Where(s => s.Holdback == "paid").Sum(s => s.HoldbackSats), paid.Sum(s => s.FeeSats), summary.RemainingSats,
            board.BestScore, board.BaselineScore, board.Version, [.. rows], false, 0)
        {
            HeldSat = paid.Where(s => s.Holdback is "held" or "released" or "paying").Sum(s => s.HoldbackSats),
        };
    }

    private static Participant CreateParticipant(string name, Uri baseUri, SimnetNetwork network, ProvenanceLog log)
    {
        var wallet = new LndRestClient(new LndRestOptions(new Uri(baseUri, $"simnet/{name}/"), network.GetNode(name).MacaroonHex));
        var receipts = new PaymentReceipts();
        var handler = new L402PaymentHandler(wallet, new L402ClientOptions { Budget = new L402Budget(new Sats(10_000)) }, receipts: receipts)
        {
            InnerHandler = new SocketsHttpHandler(),
        };
        var client = new BountyClient(new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) }, receipts);
        return new Participant(name, wallet, client, log);
    }

    private static string Line(DemoBountyAgent a) => string.Create(CultureInfo.InvariantCulture,
        $"{a.Agent} ({a.Role}): {a.Status} {a.Reason}, public {Score(a.PublicScore)}, held-out {Score(a.HeldoutScore)}, reward {a.RewardSat} sat, deposit {a.Deposit}");

    private static string Score(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";

    /// <summary>One demo participant: a wallet behind the LND facade and a bounty client paying through it.</summary>
    private sealed record Participant(string Name, ILightningNode Wallet, BountyClient Client, ProvenanceLog Log);
}
