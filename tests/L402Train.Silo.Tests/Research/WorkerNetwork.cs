using System.Net.Http.Json;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Lightning.Backend;
using L402Train.Lightning.Simnet;
using L402Train.PeerAgent.Research;
using L402Train.Protocol;
using L402Train.Protocol.Research;
using L402Train.Testing;

namespace L402Train.Silo.Tests.Research;

/// <summary>
/// Two real workers and an index on one simnet: the coordinator silo (gateway, settler and worker: the
/// index and worker A, on the coordinator's node) and a worker-only silo B whose Lightning backend is
/// its own simnet node behind the coordinator's LND facade, so one wallet pays both. Both
/// registrations are posted to the index as the workers' refresh would post them.
/// </summary>
internal sealed class WorkerNetwork : IAsyncDisposable
{
    public const long PriceA = 50;
    public const long PriceB = 40;
    private const long WalletSat = 100_000;

    private WorkerNetwork(EmbeddedSilo coordinator, EmbeddedSilo workerB, SimnetNode wallet, DirectoryInfo work)
    {
        Coordinator = coordinator;
        WorkerB = workerB;
        Wallet = wallet;
        Work = work;
    }

    public EmbeddedSilo Coordinator { get; }

    public EmbeddedSilo WorkerB { get; }

    public SimnetNode Wallet { get; }

    public DirectoryInfo Work { get; }

    public Uri EndpointA => new(Coordinator.Url + "/experiment");

    public Uri EndpointB => new(WorkerB.Url + "/experiment");

    public string NodeA => Coordinator.Network.Coordinator.Id.ToHex();

    public string NodeB => Coordinator.Network.GetNode("worker-b").Id.ToHex();

    public string StatePath => Path.Combine(Work.FullName, "state.json");

    public string ResultsPath => Path.Combine(Work.FullName, "results.jsonl");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<WorkerNetwork> StartAsync(string name)
    {
        var work = Directory.CreateTempSubdirectory($"l402-{name}-");
        var coordinator = await EmbeddedSilo.StartAsync($"{name}-coord", s => s with
        {
            Roles = new HashSet<string>(["gateway", "settler", "worker"], StringComparer.OrdinalIgnoreCase),
            Workers = s.Workers with { PriceSat = PriceA, Name = "worker-a" },
        }, Ct);
        var node = coordinator.Network.CreateFundedNode("worker-b", new Sats(WalletSat));
        var macaroon = Path.Combine(work.FullName, "worker-b.macaroon");
        await File.WriteAllBytesAsync(macaroon, Convert.FromHexString(node.MacaroonHex), Ct);
        var workerB = await EmbeddedSilo.StartAsync($"{name}-b", s => s with
        {
            Roles = new HashSet<string>(["worker"], StringComparer.OrdinalIgnoreCase),
            Lightning = new LightningBackendOptions { Kind = LightningBackendKind.Lnd, LndRestUri = new Uri(coordinator.Url + "/simnet/worker-b/"), LndMacaroonPath = macaroon },
            Workers = s.Workers with { PriceSat = PriceB, Name = "worker-b" },
        }, Ct);
        var wallet = coordinator.Network.CreateFundedNode("researcher", new Sats(WalletSat));
        var network = new WorkerNetwork(coordinator, workerB, wallet, work);
        await network.RegisterAsync();
        return network;
    }

    /// <summary>Posts both workers' signed registrations to the index (what their refresh timer does).</summary>
    public async Task RegisterAsync()
    {
        foreach (var worker in new[] { Coordinator, WorkerB })
        {
            var url = worker.Url + ResearchNames.RegistrationPath;
            var registration = await Coordinator.Http.GetFromJsonAsync<AgentRegistration>(url, ProtocolJson.Options, Ct);
            using var posted = await Coordinator.Http.PostAsJsonAsync("/api/v1/agents", new AgentSubmission(registration, url), ProtocolJson.Options, Ct);
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync(Ct));
        }
    }

    public HttpWorkerMarket Market() =>
        new(Wallet, new WorkerMarketOptions(new Uri(Coordinator.Url + "/"), 20, new L402ClientOptions { Budget = new L402Budget(new Sats(1_000)) },
            RunTimeout: TimeSpan.FromMinutes(3), RequestTimeout: TimeSpan.FromSeconds(60), SettleTimeout: TimeSpan.FromMinutes(1)));

    public ResearchLoop Loop(IWorkerMarket market, IProgress<string>? progress = null) =>
        new(market, new ClimbThinker(), new ResearchExperiment(new System.Text.Json.Nodes.JsonObject()), new ResearchStateFile(StatePath), new ResearchResults(ResultsPath),
            TimeProvider.System, progress);

    /// <summary>Sats the wallet has paid for good (settled payments and fees), and sats locked in HTLCs not yet resolved.</summary>
    public async Task<(long Spent, long Locked)> WalletAsync()
    {
        var balance = await Wallet.GetBalanceAsync(Ct);
        var locked = balance.PendingOutgoing.ToSatsFloor().Value;
        return (WalletSat - balance.Local.ToSatsFloor().Value - locked, locked);
    }

    public async ValueTask DisposeAsync()
    {
        await WorkerB.DisposeAsync();
        await Coordinator.DisposeAsync();
        Work.Delete(recursive: true);
    }
}
