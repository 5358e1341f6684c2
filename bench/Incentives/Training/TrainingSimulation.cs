using System.Collections.Concurrent;
using System.Security.Cryptography;
using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Model.Gpt;
using L402Train.Runtime;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace L402Train.Bench.Incentives.Training;

/// <summary>How big a simulation is.</summary>
/// <param name="Identities">Identities submitting each round (every one submits once per round).</param>
/// <param name="Rounds">Rounds to run.</param>
/// <param name="Threads">Threads for the peers' training and the validator's job runners.</param>
/// <param name="InnerSteps">K: AdamW steps behind each honest update.</param>
/// <param name="BatchSize">Sequences per local batch.</param>
internal sealed record SimulationOptions(int Identities, int Rounds, int Threads, int InnerSteps = 3, int BatchSize = 4)
{
    /// <summary>The reward schedule: the defaults, with a round budget that never binds (so a leak to an adversary is not hidden by the budget running out) and the round closing once every identity has a verdict.</summary>
    public RewardSchedule Schedule => new()
    {
        RoundBudgetSat = new RewardSchedule().BaseRateSat * Identities, RoundQuota = Identities, RoundDuration = TimeSpan.FromHours(6),
    };

    /// <summary>Identities per profile, summing to <see cref="Identities"/>; null: <see cref="ProfileMix.For"/>'s realistic mix.</summary>
    public IReadOnlyList<(TrainingProfile Profile, int Count)>? Mix { get; init; }

    /// <summary>
    /// Dense AdamW steps on the public corpus behind the initial checkpoint (0: the fresh weights): starts
    /// the run late, where an honest update lowers the held-out loss by little, without running the rounds before.
    /// </summary>
    public int PretrainSteps { get; init; }
}

/// <summary>
/// The training track at scale through the real grains and jobs: one silo (Orleans'
/// in-process test cluster over the memory store) with the real validator, aggregator and money
/// handlers, an in-memory simnet where every identity has its own funded node, hold-invoice
/// deposits paid by those nodes, checkpoint fees paid as standard invoices, rewards claimed with
/// the identity's invoice and paid by the reward job. The model is the tiny one (0.86M
/// parameters) and each honest update is K = 3 AdamW steps (see <see cref="HonestUpdates"/>).
/// </summary>
internal sealed partial class TrainingSimulation : IAsyncDisposable
{
    public const long FundingSat = 1_000_000;
    private readonly ConcurrentDictionary<string, Preimage> preimages = new();
    private readonly DirectoryInfo blobs = Directory.CreateTempSubdirectory("l402train-incentives");
    private readonly SimulationOptions options;
    private readonly List<SimulatedIdentity> identities = [];
    private readonly List<SubmissionRecord> submissions = [];
    private readonly Dictionary<string, long> checkpointFees = [];
    private TestCluster cluster = null!;

    private TrainingSimulation(SimulationOptions options)
    {
        this.options = options;
        Schedule = options.Schedule;
        Network = new SimnetNetwork(new SimnetOptions());
        var store = new FileSystemBlobStore(blobs.FullName);
        Checkpoints = new BlobCheckpointStore(store, Setup.Config, TimeProvider.System);
        Gradients = new BlobGradientStore(store);
    }

    public TrainingSetup Setup { get; } = new() { CorpusStories = 400 };
    public RewardSchedule Schedule { get; }
    public SimnetNetwork Network { get; }
    public ICheckpointStore Checkpoints { get; }
    public IGradientStore Gradients { get; }
    public IReadOnlyList<SimulatedIdentity> Identities => identities;
    public IReadOnlyList<SubmissionRecord> Submissions => submissions;
    public IGrainFactory Grains => cluster.GrainFactory(0);

    /// <summary>Starts the silo, funds every identity's node, opens the ledger and round 1.</summary>
    public static async Task<TrainingSimulation> StartAsync(SimulationOptions options)
    {
        var simulation = new TrainingSimulation(options);
        await simulation.StartClusterAsync();
        simulation.CreateIdentities();
        var balance = await simulation.Network.Coordinator.GetBalanceAsync();
        await simulation.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync(balance.Local.ToSatsFloor());
        var initial = await simulation.Checkpoints.SaveAsync(simulation.InitialWeights(), 0, 0);
        await simulation.Grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).StartAsync(initial);
        return simulation;
    }

    private Model.Tensors.ParameterSet InitialWeights()
    {
        var model = GptModel.Create(Setup.Config, Setup.InitSeed, threads: Math.Max(1, options.Threads));
        if (options.PretrainSteps > 0)
        {
            var sampler = new Model.Corpus.BatchSampler(Setup.TrainingTokens(), options.BatchSize, Setup.SequenceLength);
            new Model.Training.LocalTrainer(model, new Model.Optim.AdamWOptions { LearningRate = 3e-3f, WarmupSteps = 10 })
                .RunRound(options.PretrainSteps, i => sampler.Sample(0xF1E7_0000ul, 0, i));
        }
        return model.Parameters;
    }

    private async Task StartClusterAsync()
    {
        var services = new ServiceCollection()
            .AddSingleton<ILightningNode>(Network.Coordinator)
            .AddSingleton<IDepositPreimages>(new Preimages(preimages))
            .AddTraining(Setup, Schedule)
            .AddSingleton(new HeldOutSet(secretSeed: 7, Setup, Schedule, stories: 200))
            .AddSingleton(Checkpoints)
            .AddSingleton(Gradients)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, silo => silo
            .UseServices(services)
            .Configure(o =>
            {
                // The handlers and their lanes are the silo's (AddTraining); only the worker's pace is the bench's.
                o.Jobs.Concurrency = Math.Max(2, options.Threads);
                o.Jobs.Prefetch = 4 * Math.Max(2, options.Threads);
                o.Jobs.PollInterval = TimeSpan.FromMilliseconds(50);
            }));
    }

    private void CreateIdentities()
    {
        var group = 0;
        var mix = options.Mix ?? ProfileMix.For(options.Identities);
        if (mix.Sum(m => m.Count) != options.Identities)
            throw new ArgumentException($"the mix has {mix.Sum(m => m.Count)} identities, not {options.Identities}", nameof(options));
        foreach (var (profile, count) in mix)
        {
            for (var i = 0; i < count; i++)
            {
                var grouped = ProfileMix.Grouped(profile);
                if (!grouped || i % ProfileMix.GroupSize == 0) group++;
                var id = $"{profile.Name()}-{i:D4}";
                identities.Add(new SimulatedIdentity(id, profile, group, grouped ? i % ProfileMix.GroupSize : 0,
                    Network.CreateFundedNode(id, new Sats(FundingSat)), (ulong)(identities.Count + 1)));
                checkpointFees[id] = 0;
            }
        }
    }

    /// <summary>Checkpoint fees each identity paid.</summary>
    public long CheckpointFeesOf(string id) => checkpointFees[id];

    /// <summary>Waits until <paramref name="condition"/> holds, woken by every job the silo finishes.</summary>
    private Task WaitAsync(Func<Task<bool>> condition, string what) => cluster.WaitUntilAsync(condition, TimeSpan.FromMinutes(30), what);

    // The gateway's part of PUT /gradient: a hold invoice whose preimage only the coordinator knows, paid by the identity up to ACCEPTED.
    private async Task<(PaymentHash Hash, string Token, DateTimeOffset Accepted)> PayDepositAsync(SimnetNode payer)
    {
        var preimage = Preimage.Random();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        preimages[token] = preimage;
        var invoice = await Network.Coordinator.CreateHoldInvoiceAsync(new CreateHoldInvoiceRequest(
            preimage.Hash, new Sats(Schedule.DepositSat).ToMilliSats(), "deposit", Schedule.DepositInvoiceExpiry, Schedule.DepositCltvBlocks));
        await foreach (var update in payer.SendPaymentAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(60))))
        {
            if (update.Status == PaymentStatus.InFlight) return (preimage.Hash, token, TimeProvider.System.GetUtcNow());
            if (update.Status == PaymentStatus.Failed) throw new InvalidOperationException($"{payer.Name} could not pay its deposit: {update.FailureReason}");
        }
        throw new InvalidOperationException($"{payer.Name}'s deposit payment ended without locking");
    }

    // GET /checkpoint's standard L402 fee, paid by the identity to the coordinator.
    private async Task PayCheckpointFeeAsync(SimulatedIdentity identity)
    {
        var invoice = await Network.Coordinator.CreateInvoiceAsync(
            new CreateInvoiceRequest(new Sats(Schedule.CheckpointPriceSat).ToMilliSats(), "L402 checkpoint", TimeSpan.FromMinutes(10)));
        var paid = await identity.Wallet.PayAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(60)));
        if (paid.Status != PaymentStatus.Succeeded) throw new InvalidOperationException($"{identity.Id} could not pay the checkpoint fee: {paid.FailureReason}");
        lock (checkpointFees) checkpointFees[identity.Id] += Schedule.CheckpointPriceSat;
    }

    public async ValueTask DisposeAsync()
    {
        await cluster.DisposeAsync();
        Network.Dispose();
        blobs.Delete(recursive: true);
    }

    private sealed class Preimages(ConcurrentDictionary<string, Preimage> preimages) : IDepositPreimages
    {
        public Preimage? ForToken(string tokenIdHex) => preimages.TryGetValue(tokenIdHex, out var p) ? p : null;
    }
}

/// <summary>One submission the simulation filed, and what became of it.</summary>
/// <param name="Id">The submission id (deposit payment hash).</param>
/// <param name="Identity">Who filed it.</param>
/// <param name="Round">The round.</param>
/// <param name="Honest">True for honest work on the current checkpoint, no entry of it submitted twice (an honest peer, a stale peer's first round, an alternating peer's honest rounds, a duplicating sybil's first copy, each part of a splitting sybil).</param>
/// <param name="DepositAccepted">When the deposit's HTLC locked.</param>
internal sealed record SubmissionRecord(string Id, SimulatedIdentity Identity, int Round, bool Honest, DateTimeOffset DepositAccepted)
{
    /// <summary>The submission's final state, read after its money settled.</summary>
    public SubmissionState State { get; set; } = new();
}
