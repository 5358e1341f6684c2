using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.Lightning;
using L402Train.Lightning.Bolt11;
using L402Train.PeerAgent.Research;
using L402Train.Protocol;
using L402Train.Protocol.Research;

namespace L402Train.Silo.Tests.Research;

/// <summary>A worker of <see cref="FakeWorkerMarket"/>: its own node key (real signed invoices), a price, and how it misbehaves.</summary>
internal sealed class FakeWorker(string name, long priceSats)
{
    public NodeKey Key { get; } = NodeKey.Generate();

    public string Name => name;

    public long PriceSats { get; set; } = priceSats;

    public Uri Endpoint { get; } = new($"http://{name}.invalid/experiment");

    public string AgentId => Key.Id.ToHex();

    /// <summary>Loses the connection while running (and its recovery cancels the hold invoice).</summary>
    public bool DiesMidRun { get; set; }

    /// <summary>Loses the connection on the first long-poll, but delivers and settles the run anyway (its answer was lost, not its work).</summary>
    public bool DeliversAfterLosingTheConnection { get; set; }

    /// <summary>Refuses configs this says no to (a 4xx before payment).</summary>
    public Func<JsonObject, bool> Refuses { get; set; } = _ => false;

    public int Runs { get; set; }
}

/// <summary>
/// The loop's outside world in memory, for the state machine's tests: workers that sign real BOLT11 hold
/// invoices, a wallet ledger of every deposit (held, settled, refunded), a val_bpb from an objective over
/// the config, and hooks that kill the "process" at a chosen step (an exception the loop does not catch).
/// </summary>
internal sealed class FakeWorkerMarket(params FakeWorker[] workers) : IWorkerMarket
{
    public static readonly JsonObject Defaults = new() { ["layers"] = 1, ["channels"] = 64, ["heads"] = 2, ["steps"] = 40, ["learning_rate"] = 0.003, ["seed"] = 0 };

    private readonly Dictionary<string, Deposit> deposits = new(StringComparer.Ordinal);

    /// <summary>val_bpb of a resolved config: a bowl with its floor at learning_rate 0.012 and 160 steps.</summary>
    public Func<JsonObject, double> Objective { get; set; } = config =>
        3 + Math.Pow(Math.Log(Num(config["learning_rate"]) / 0.012), 2) + 0.3 * Math.Pow(Math.Log2(Num(config["steps"]) / 160), 2);

    /// <summary>A number of a config, however it is held (int, long, double or parsed text).</summary>
    public static double Num(JsonNode? node) => double.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    public List<FakeWorker> Workers { get; } = [.. workers];

    /// <summary>Thrown right after the deposit is saved as locked, before the worker's answer arrives (a killed process).</summary>
    public Exception? KillAfterLock { get; set; }

    /// <summary>Thrown on the next long-poll (a process killed while waiting for the run).</summary>
    public Exception? KillWhileWaiting { get; set; }

    public int Payments => deposits.Count;

    public int Submits { get; private set; }

    public int Recoveries { get; private set; }

    public IReadOnlyCollection<Deposit> Deposits => deposits.Values;

    public Task<IReadOnlyList<WorkerCandidate>> DiscoverAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WorkerCandidate>>([.. Workers.Select(w => new WorkerCandidate(w.AgentId, w.Name, w.Endpoint, w.PriceSats, null))]);

    public Task<WorkerQuote> ProbeAsync(WorkerCandidate worker, ExperimentRequest request, CancellationToken cancellationToken)
    {
        var w = Find(worker.AgentId);
        var refused = w.Refuses(Resolve(request));
        return Task.FromResult(new WorkerQuote(worker, !refused, w.PriceSats, refused, refused ? "refused the experiment (400)" : null, TimeSpan.Zero));
    }

    public async Task<ExperimentAccepted> SubmitAsync(WorkerQuote quote, ExperimentRequest request, Func<LockedDeposit, Task> locked, CancellationToken cancellationToken)
    {
        Submits++;
        var w = Find(quote.Worker.AgentId);
        var preimage = Preimage.Random();
        var invoice = Bolt11Invoice.Sign(new Bolt11Request("bcrt", preimage.Hash, RandomNumberGenerator.GetBytes(32), TimeProvider.System.GetUtcNow())
        {
            Amount = new Sats(w.PriceSats).ToMilliSats(),
            Description = "experiment",
        }, w.Key);
        var id = $"exp-20260101-{preimage.Hash.ToHex()[..12]}";
        var deposit = new Deposit(w, preimage, invoice.PaymentRequest, id, Resolve(request));
        deposits[preimage.Hash.ToHex()] = deposit;
        await locked(new LockedDeposit(preimage.Hash.ToHex(), invoice.PaymentRequest, w.PriceSats));
        if (KillAfterLock is { } kill)
        {
            KillAfterLock = null;
            throw kill;
        }
        return new ExperimentAccepted(id, $"/experiment/{id}", ExperimentState.Queued, preimage.Hash.ToHex());
    }

    public Task<ExperimentAccepted?> RecoverAsync(Uri endpoint, LockedDeposit deposit, CancellationToken cancellationToken)
    {
        Recoveries++;
        return Task.FromResult(deposits.TryGetValue(deposit.PaymentHash, out var d)
            ? new ExperimentAccepted(d.ExperimentId, $"/experiment/{d.ExperimentId}", ExperimentState.Running, deposit.PaymentHash)
            : null);
    }

    public Task<ExperimentView> WaitAsync(Uri endpoint, string experimentId, CancellationToken cancellationToken)
    {
        if (KillWhileWaiting is { } kill)
        {
            KillWhileWaiting = null;
            throw kill;
        }
        var d = deposits.Values.Single(d => d.ExperimentId == experimentId);
        if (d.Worker.DiesMidRun)
        {
            // The worker's recovery cancels the hold invoice of the run it could not deliver.
            d.State = DepositState.Refunded;
            throw new WorkerFailedException($"{endpoint} was lost while running {experimentId}: connection refused");
        }
        if (d.Worker.DeliversAfterLosingTheConnection && d.State == DepositState.Held)
        {
            d.State = DepositState.Settled;
            throw new WorkerFailedException($"{endpoint} was lost while running {experimentId}: connection reset");
        }
        if (d.State == DepositState.Held) d.Worker.Runs++;
        var trainer = d.Config.Deserialize<TrainerConfig>(ProtocolJson.Options)!;
        var valBpb = Objective(d.Config);
        d.State = DepositState.Settled;
        return Task.FromResult(new ExperimentView
        {
            ExperimentId = experimentId, State = ExperimentState.Completed, Kind = ExperimentKind.Trainer, WorkerId = d.Worker.AgentId,
            TrainHash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(trainer, ProtocolJson.Options))),
            Trainer = trainer, Metrics = new Dictionary<string, double> { ["val_bpb"] = valBpb }, ValBpb = valBpb, PriceSats = d.Worker.PriceSats,
            PaymentHash = d.Preimage.Hash.ToHex(), Payment = ExperimentPayment.Settled, SubmittedAt = DateTimeOffset.UnixEpoch, RunSeconds = 1.5,
        });
    }

    public Task<DepositStatus> DepositAsync(string paymentHash, CancellationToken cancellationToken)
    {
        var d = deposits[paymentHash];
        return Task.FromResult(new DepositStatus(d.State, d.State == DepositState.Settled ? d.Preimage.ToHex() : null));
    }

    public async Task<string?> PreimageAsync(string paymentHash, CancellationToken cancellationToken) => (await DepositAsync(paymentHash, cancellationToken)).Preimage;

    private FakeWorker Find(string agentId) => Workers.Single(w => w.AgentId == agentId);

    // The worker fills in its defaults under what was asked, as the built-in trainer does.
    private static JsonObject Resolve(ExperimentRequest request)
    {
        var config = (JsonObject)Defaults.DeepClone();
        if (request.Trainer is { } trainer)
        {
            foreach (var (key, value) in JsonSerializer.SerializeToNode(trainer, ProtocolJson.Options)!.AsObject()) config[key] = value?.DeepClone();
        }
        return config;
    }

    internal sealed class Deposit(FakeWorker worker, Preimage preimage, string invoice, string experimentId, JsonObject config)
    {
        public FakeWorker Worker => worker;

        public Preimage Preimage => preimage;

        public string Invoice => invoice;

        public string ExperimentId => experimentId;

        public JsonObject Config => config;

        public DepositState State { get; set; } = DepositState.Held;
    }
}
