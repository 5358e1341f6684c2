using System.Security.Cryptography;
using L402Train.Compression;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Training;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace L402Train.Training.Tests.Cluster;

/// <summary>
/// The training track's grains and jobs on a two-silo <see cref="TestCluster"/> over PostgreSQL,
/// with a real simnet coordinator node, a file blob store and the real validator, aggregator and
/// money handlers on both silos (wired by <see cref="TrainingServices.AddTraining"/>, as in the silo). Peers train the tiny model in-process and talk to the grains the
/// way the gateway does (hold deposit, submission, claim), alternating between the silos.
/// </summary>
internal sealed class TrainingClusterHarness : IAsyncDisposable
{
    private readonly Dictionary<string, Preimage> preimages = [];
    private TemporarySchema schema = null!;
    private DirectoryInfo blobs = null!;

    public TestCluster Cluster { get; private set; } = null!;
    public SimnetNetwork Network { get; private set; } = null!;
    public TrainingSetup Setup { get; } = new() { CorpusStories = 200 };
    public RewardSchedule Schedule { get; private init; } = null!;
    public ICheckpointStore Checkpoints { get; private set; } = null!;
    public IGradientStore Gradients { get; private set; } = null!;

    public static async Task<TrainingClusterHarness> StartAsync(RewardSchedule schedule)
    {
        var harness = new TrainingClusterHarness { Schedule = schedule };
        harness.schema = await PostgresDatabase.CreateSchemaAsync("cluster");
        harness.blobs = Directory.CreateTempSubdirectory("l402train-cluster");
        harness.Network = new SimnetNetwork(new SimnetOptions());
        var blobStore = new FileSystemBlobStore(harness.blobs.FullName);
        harness.Checkpoints = new BlobCheckpointStore(blobStore, harness.Setup.Config, TimeProvider.System);
        harness.Gradients = new BlobGradientStore(blobStore);
        var services = new ServiceCollection()
            .AddSingleton<ILightningNode>(harness.Network.Coordinator)
            .AddSingleton<IDepositPreimages>(new Preimages(harness.preimages))
            .AddTraining(harness.Setup, schedule)
            .AddSingleton(new HeldOutSet(secretSeed: 7, harness.Setup, schedule, stories: 100))
            .AddSingleton(harness.Checkpoints)
            .AddSingleton(harness.Gradients)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        harness.Cluster = await TestCluster.StartAsync(new PostgresGrainStore(harness.schema.ConnectionString), 2, silo => silo
            .UseServices(services)
            .Configure(o => o.Jobs.PollInterval = TimeSpan.FromMilliseconds(50)));
        return harness;
    }

    /// <summary>Opens the ledger with the node's balance (peers' channels already open), writes version 0 and opens round 1.</summary>
    public async Task StartRunAsync()
    {
        var balance = await Network.Coordinator.GetBalanceAsync();
        await Cluster.GrainFactory(0).GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync(balance.Local.ToSatsFloor());
        var initial = await Checkpoints.SaveAsync(GptModel.Create(Setup.Config, Setup.InitSeed, threads: 1).Parameters, 0, 0);
        await Cluster.GrainFactory(1).GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).StartAsync(initial);
    }

    /// <summary>A hold invoice for the deposit (preimage known only to the coordinator), paid by <paramref name="payer"/> up to ACCEPTED.</summary>
    public async Task<(PaymentHash Hash, string TokenHex)> PayDepositAsync(SimnetNode payer)
    {
        var preimage = Preimage.Random();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (preimages) preimages[token] = preimage;
        var invoice = await Network.Coordinator.CreateHoldInvoiceAsync(
            new CreateHoldInvoiceRequest(preimage.Hash, new Sats(Schedule.DepositSat).ToMilliSats(), "deposit", TimeSpan.FromMinutes(10), 40));
        await foreach (var update in payer.SendPaymentAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30))))
            if (update.Status == PaymentStatus.InFlight) break;
        return (preimage.Hash, token);
    }

    /// <summary>
    /// Waits until <paramref name="done"/> holds, re-checking after every job either silo finishes
    /// (the polling fallback covers jobs that finish between the check and the subscription).
    /// </summary>
    public async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var finished = new TaskCompletionSource();
            void OnFinished(JobOutcome _) => finished.TrySetResult();
            Cluster.Silo(0).JobFinished += OnFinished;
            Cluster.Silo(1).JobFinished += OnFinished;
            try
            {
                var value = await read();
                if (done(value)) return value;
                if (TimeProvider.System.GetElapsedTime(deadline) > TimeSpan.FromSeconds(120)) Assert.Fail($"timed out waiting for {what}; last: {value}");
                try { await finished.Task.WaitAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None); }
                catch (TimeoutException) { /* re-check: the store may have changed without a job finishing here */ }
            }
            finally
            {
                Cluster.Silo(0).JobFinished -= OnFinished;
                Cluster.Silo(1).JobFinished -= OnFinished;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Network.Dispose();
        await schema.DisposeAsync();
        blobs.Delete(recursive: true);
    }

    private sealed class Preimages(Dictionary<string, Preimage> preimages) : IDepositPreimages
    {
        public Preimage? ForToken(string tokenIdHex)
        {
            lock (preimages) return preimages.TryGetValue(tokenIdHex, out var p) ? p : null;
        }
    }
}

/// <summary>An honest peer: K AdamW steps on its own batches of the public corpus, SparseLoCo with error feedback.</summary>
internal sealed class HonestClusterPeer
{
    private readonly TrainingSetup setup;
    private readonly GptModel model;
    private readonly LocalTrainer trainer;
    private readonly SparseLoCoEncoder encoder;
    private readonly BatchSampler sampler;
    private readonly ulong seed;

    public HonestClusterPeer(string name, SimnetNode wallet, TrainingSetup setup, TokenStream corpus, ulong seed)
    {
        Name = name;
        Wallet = wallet;
        this.setup = setup;
        this.seed = seed;
        model = GptModel.Create(setup.Config, setup.InitSeed, threads: 1);
        trainer = new LocalTrainer(model, new AdamWOptions { LearningRate = 3e-3f, WarmupSteps = 2 });
        encoder = new SparseLoCoEncoder(setup.Manifest, setup.Compression);
        sampler = new BatchSampler(corpus, batchSize: 4, setup.SequenceLength);
    }

    public string Name { get; }

    public SimnetNode Wallet { get; }

    /// <summary>Trains from the given checkpoint and returns the compressed pseudo-gradient.</summary>
    public byte[] Train(Model.Tensors.ParameterSet checkpoint, int version, int round, int steps)
    {
        model.Restore(checkpoint);
        var result = trainer.RunRound(steps, i => sampler.Sample(seed, round, i));
        var submission = encoder.Compress([.. result.Delta.Tensors.Select(t => (ReadOnlyMemory<float>)t.Values)]);
        return submission.ToBytes(WireVersion.V2, PayloadMetadata.Create(version, Name));
    }
}
