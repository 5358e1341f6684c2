using System.Security.Cryptography;
using L402Train.Grains.Bounties;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Bounties.Validation;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace L402Train.Bounties.Tests.Flow;

/// <summary>
/// Silos on PostgreSQL (or SQLite) with the bounty and payment grains, an in-memory simnet (coordinator,
/// sponsor, agents), a blob store and the real sandbox; the shipped bounty posted and funded.
/// Which silos validate or settle is decided when a silo (re)starts.
/// </summary>
internal sealed class BountyHarness : IAsyncDisposable
{
    public const long Deposit = 1_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Preimage> preimages = new();
    private readonly DirectoryInfo root = CreateRoot();
    private TemporarySchema? schema;

    private BountyHarness(FakeTimeProvider clock, BountyRules rules)
    {
        Clock = clock;
        Rules = rules;
        Blobs = new FileSystemBlobStore(Path.Combine(root.FullName, "blobs"));
        Network = new SimnetNetwork(new SimnetOptions(), clock);
        Sponsor = Network.CreateFundedNode("sponsor", new Sats(1_000_000));
        Alice = Network.CreateFundedNode("alice", new Sats(100_000));
        Mallory = Network.CreateFundedNode("mallory", new Sats(100_000));
    }

    public FakeTimeProvider Clock { get; }
    public BountyRules Rules { get; }
    public IBlobStore Blobs { get; }

    /// <summary>Where <see cref="Blobs"/> keeps its files (a fault-injection test deletes one).</summary>
    public string BlobRoot => Path.Combine(root.FullName, "blobs");
    public SimnetNetwork Network { get; }
    public SimnetNode Sponsor { get; }
    public SimnetNode Alice { get; }
    public SimnetNode Mallory { get; }
    public TestCluster Cluster { get; private set; } = null!;
    public GeneratedBounty Shipped { get; } = ShippedBounty.Generate(42);

    /// <summary>Whether a silo started from now on runs the validator-role jobs.</summary>
    public bool Validators { get; set; } = true;

    /// <summary>Whether a silo started from now on runs the settler-role jobs.</summary>
    public bool Settlers { get; set; } = true;

    public IGrainFactory Grains => Cluster.GrainFactory(Cluster.Count - 1);

    public string BaselineConfig => Shipped.Baseline[ShippedBounty.ConfigPath];

    public static async Task<BountyHarness> StartAsync(int silos = 1, BountyRules? rules = null, bool validators = true, bool settlers = true,
        Action<SiloJobs>? configure = null, string store = "postgres")
    {
        var harness = new BountyHarness(new FakeTimeProvider(), rules ?? new BountyRules()) { Validators = validators, Settlers = settlers };
        IGrainStore grainStore;
        if (store == "sqlite") grainStore = new SqliteGrainStore(Path.Combine(harness.root.FullName, "grains.db"));
        else
        {
            harness.schema = await PostgresDatabase.CreateSchemaAsync("bounty");
            grainStore = new PostgresGrainStore(harness.schema.ConnectionString);
        }
        var workspace = Path.Combine(harness.root.FullName, "workspace");
        var services = new ServiceCollection()
            .AddSingleton<ILightningNode>(harness.Network.Coordinator)
            .AddSingleton<IDepositPreimages>(new TestPreimages(harness.preimages))
            .AddSingleton(harness.Blobs)
            .AddSingleton(new BountyEvaluation(
                new BubblewrapSandbox(new SandboxOptions { ScratchRoot = workspace }, TimeProvider.System), new BountyWorkspace(harness.Blobs, workspace)))
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddBounties(harness.Rules);
        var started = 0;
        harness.Cluster = await TestCluster.StartAsync(grainStore, silos, silo =>
        {
            // The silo's wiring decides the handlers by the roles this silo plays, as in the real silo.
            var roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (harness.Validators) roles.Add(SiloRoles.Validator);
            if (harness.Settlers) roles.Add(SiloRoles.Settler);
            silo.UseServices(services)
                .UseServices(new ServiceCollection().AddSingleton(new SiloIdentity($"bounty-{Interlocked.Increment(ref started)}", roles)))
                .Configure(o => o.Jobs.PollInterval = TimeSpan.FromMilliseconds(20))
                .Configure(configure ?? (_ => { }));
        }, harness.Clock);
        var balance = await harness.Network.Coordinator.GetBalanceAsync();
        await harness.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync(balance.Local.ToSatsFloor());
        return harness;
    }

    /// <summary>The shipped bounty's terms (deadline a day away unless given: keep jumps of the fake clock short, every timer fires on the way).</summary>
    public BountyTerms Terms(long totalSat = 20_000, long rate = 100_000, double minImprovement = 0.01, int repeats = 1,
        string? evalCommand = null, IReadOnlyList<string>? forbidden = null, long maxDiffBytes = 16_384, TimeSpan? deadlineIn = null) =>
        new(ShippedBounty.Task.Title, ShippedBounty.Task.Description, ShippedBounty.Task.Metric, MetricDirection.Maximize,
            evalCommand ?? ShippedBounty.Task.EvalCommand, ShippedBounty.Task.TargetGlobs, forbidden ?? ["curl", "system"], maxDiffBytes,
            new Sats(totalSat), Clock.GetUtcNow() + (deadlineIn ?? TimeSpan.FromDays(1)), rate, minImprovement, 30, 256, repeats)
        {
            // What POST /bounties defaults them to.
            NoiseReruns = BountyTerms.DefaultNoiseReruns,
            HoldbackPct = BountyTerms.DefaultHoldbackPct,
        };

    /// <summary>Posts the shipped bounty under <paramref name="terms"/>, pays its funding invoice and waits until it is active.</summary>
    public async Task<string> PostAndFundAsync(BountyTerms terms)
    {
        var posted = await new BountyPublisher(Grains, Blobs, Network.Coordinator, Rules)
            .PublishAsync(terms, ShippedBounty.BaselineArchive(Shipped), ShippedBounty.HeldOutArchive(Shipped), ShippedBounty.HoldbackArchive(Shipped));
        var payment = await Sponsor.PayAsync(new PaymentRequest(posted.FundingInvoice, MilliSats.Zero, TimeSpan.FromSeconds(30)));
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        await WaitUntilAsync(async () => (await Bounty(posted.Id).GetAsync()).Status == BountyStatus.Active, "the bounty to be funded");
        return posted.Id;
    }

    public IBountyGrain Bounty(string id) => Grains.GetGrain<IBountyGrain>(id);

    public IBountySubmissionGrain Submission(string id) => Grains.GetGrain<IBountySubmissionGrain>(id);

    /// <summary>A deposit paid by <paramref name="payer"/> (HTLC held) and the submission filed; returns its id.</summary>
    public async Task<string> SubmitAsync(string bountyId, string diff, int baseVersion, SimnetNode? payer = null, string? nonce = null)
    {
        payer ??= Alice;
        var preimage = Preimage.Random();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        preimages[token] = preimage;
        var invoice = await Network.Coordinator.CreateHoldInvoiceAsync(
            new CreateHoldInvoiceRequest(preimage.Hash, new Sats(Deposit).ToMilliSats(), "deposit", TimeSpan.FromMinutes(10), 80));
        await foreach (var update in payer.SendPaymentAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30))))
            if (update.Status == PaymentStatus.InFlight) break;
        var id = preimage.Hash.ToHex();
        var arrival = await SubmissionIntake.PrepareAsync(Blobs, new SubmissionRequest(bountyId, payer.Name, baseVersion, diff, null, nonce), preimage.Hash, token, new Sats(Deposit));
        await Submission(id).CreateAsync(arrival);
        return id;
    }

    /// <summary>Waits until the submission has a verdict and its deposit job finished.</summary>
    public async Task<BountySubmissionState> SettledAsync(string submissionId)
    {
        BountySubmissionState state = new();
        await WaitUntilAsync(async () => (state = await Submission(submissionId).GetAsync()) is { Verdict: not null, DepositResolvedAt: not null },
            $"submission {submissionId[..8]} to be decided and its deposit resolved");
        return state;
    }

    /// <summary>Waits on a condition, woken by job completions (a signal, not a sleep), moving the fake clock when idle.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 90)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (!await condition())
        {
            if (timeout.IsCancellationRequested) Assert.Fail($"timed out waiting for {what}");
            var finished = new TaskCompletionSource();
            void OnFinished(JobOutcome _) => finished.TrySetResult();
            var running = Enumerable.Range(0, Cluster.Count).Select(TryGetSilo).OfType<TestSilo>().ToList();
            foreach (var silo in running) { silo.JobFinished += OnFinished; silo.WakeJobWorkers(); }
            try { await finished.Task.WaitAsync(TimeSpan.FromMilliseconds(250), CancellationToken.None).ConfigureAwait(false); }
            catch (TimeoutException) { Clock.Advance(TimeSpan.FromSeconds(1)); }
            finally { foreach (var silo in running) silo.JobFinished -= OnFinished; }
        }
    }

    private TestSilo? TryGetSilo(int index)
    {
        try { return Cluster.Silo(index); }
        catch (InvalidOperationException) { return null; }
    }

    public async Task<LedgerReconciliation> ReconcileAsync() => await LedgerReconciliation.CheckAsync(Grains, Network.Coordinator, L402Train.Gateway.L402.GatewayFees.Default);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Network.Dispose();
        if (schema is not null) await schema.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        root.Delete(recursive: true);
    }

    private static DirectoryInfo CreateRoot()
    {
        var dir = Directory.CreateTempSubdirectory("l402-bounty-");
        File.SetUnixFileMode(dir.FullName, (UnixFileMode)0b111_101_101);
        return dir;
    }

    private sealed class TestPreimages(System.Collections.Concurrent.ConcurrentDictionary<string, Preimage> preimages) : IDepositPreimages
    {
        public Preimage? ForToken(string tokenIdHex) => preimages.TryGetValue(tokenIdHex, out var p) ? p : null;
    }
}
