using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace L402Train.Training.Tests.Money;

/// <summary>
/// Money moves exactly once: deposits are settled or cancelled by outbox jobs keyed by payment
/// hash, on a real simnet node, through silos that die at the worst moment.
/// </summary>
public class DepositSettlementTests
{
    private const long Deposit = 1_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Settles_a_forfeited_deposit_exactly_once_when_the_silo_dies_between_verdict_and_settle()
    {
        await using var harness = await Harness.StartAsync(new FakeTimeProvider());
        var deposit = await harness.PaidDepositAsync(cltvBlocks: 80);

        // The only silo has no settler: the verdict commits its settle job, then the silo dies.
        await harness.Submission(deposit).RecordVerdictAsync(SubmissionVerdict.Rejected(VerdictReason.Copycat, "copy"), 1);
        Assert.NotNull(await harness.Cluster.Store.FindJobAsync(PaymentJobTypes.SettleDeposit, deposit.Hash.ToHex(), Ct));
        await harness.Cluster.KillSiloAsync(0);

        // Restarted with settlers on both slots: the job runs, and re-running it changes nothing.
        harness.Settlers = true;
        await harness.Cluster.RestartSiloAsync(0);
        await harness.Cluster.RestartSiloAsync(1);
        var submission = await harness.WaitForDepositAsync(deposit);
        Assert.Equal(DepositStatus.Forfeited, submission.Deposit);
        await harness.EnqueueSettleAgainAsync(deposit);

        Assert.Equal(InvoiceState.Settled, (await harness.Network.Coordinator.LookupInvoiceAsync(deposit.Hash, Ct))!.State);
        Assert.Equal(PaymentStatus.Succeeded, (await harness.Payer.LookupPaymentAsync(deposit.Hash, Ct))!.Status);
        var ledger = await harness.Cluster.GrainFactory(0).GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal(new Sats(Deposit), entry.InSat);
        var reconciliation = await LedgerReconciliation.CheckAsync(harness.Cluster.GrainFactory(1), harness.Network.Coordinator, L402Train.Gateway.L402.GatewayFees.Default, Ct);
        Assert.True(reconciliation.Reconciled, $"ledger differs by {reconciliation.DifferenceSat} sat");
    }

    [Fact]
    public async Task Validation_slower_than_the_deposit_expiry_refunds_and_never_settles()
    {
        var clock = new FakeTimeProvider();
        await using var harness = await Harness.StartAsync(clock, settlers: true);
        var deposit = await harness.PaidDepositAsync(cltvBlocks: 40);
        var payerBefore = await harness.Payer.GetBalanceAsync(Ct);

        // The node cancels the held HTLC before it would expire (18 blocks of margin, 10 minutes a block).
        clock.Advance(TimeSpan.FromMinutes(10 * 40));
        Assert.Equal(InvoiceState.Canceled, (await harness.Network.Coordinator.LookupInvoiceAsync(deposit.Hash, Ct))!.State);

        await harness.Submission(deposit).RecordVerdictAsync(SubmissionVerdict.Rejected(VerdictReason.Harmful, "late"), 1);
        var submission = await harness.WaitForDepositAsync(deposit);

        Assert.Equal(DepositStatus.Refunded, submission.Deposit);
        Assert.True(submission.DepositExpired);
        Assert.Equal(InvoiceState.Canceled, (await harness.Network.Coordinator.LookupInvoiceAsync(deposit.Hash, Ct))!.State);
        Assert.Equal(PaymentStatus.Failed, (await harness.Payer.LookupPaymentAsync(deposit.Hash, Ct))!.Status);
        Assert.Equal(payerBefore.Local + new Sats(Deposit).ToMilliSats(), (await harness.Payer.GetBalanceAsync(Ct)).Local);
        var ledger = await harness.Cluster.GrainFactory(0).GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        Assert.Empty(ledger.Entries);
    }

    private sealed record PaidDeposit(PaymentHash Hash, string TokenHex);

    /// <summary>Two silos on PostgreSQL sharing an in-memory simnet, with the training and payment grains.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly Dictionary<string, Preimage> preimages = [];
        private TemporarySchema schema = null!;

        public TestCluster Cluster { get; private set; } = null!;
        public SimnetNetwork Network { get; private set; } = null!;
        public SimnetNode Payer { get; private set; } = null!;
        public bool Settlers { get; set; }
        private FakeTimeProvider Clock { get; init; } = null!;

        public static async Task<Harness> StartAsync(FakeTimeProvider clock, bool settlers = false)
        {
            var harness = new Harness { Settlers = settlers, Clock = clock };
            harness.schema = await PostgresDatabase.CreateSchemaAsync("money");
            harness.Network = new SimnetNetwork(new SimnetOptions(), clock);
            harness.Payer = harness.Network.CreateFundedNode("payer", new Sats(100_000));
            var services = new ServiceCollection()
                .AddSingleton<ILightningNode>(harness.Network.Coordinator)
                .AddSingleton<IDepositPreimages>(new TestPreimages(harness.preimages))
                .AddSingleton(new RewardSchedule())
                .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
                .AddPayments();
            services.PaymentOwners().Add<ISubmissionGrain>(SubmissionGrain.OwnerKind);
            var store = new PostgresGrainStore(harness.schema.ConnectionString);
            harness.Cluster = await TestCluster.StartAsync(store, 2, silo =>
            {
                // The money handlers come with the settler role (AddPayments), as in the silo.
                silo.UseServices(services)
                    .UseServices(new ServiceCollection().AddSingleton(new SiloIdentity("deposits",
                        new HashSet<string>(harness.Settlers ? [SiloRoles.Settler] : [SiloRoles.Gateway], StringComparer.OrdinalIgnoreCase))))
                    .Configure(o => o.Jobs.PollInterval = TimeSpan.FromMilliseconds(20));
            }, clock);
            var balance = await harness.Network.Coordinator.GetBalanceAsync();
            await harness.Cluster.GrainFactory(0).GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync(balance.Local.ToSatsFloor());
            await harness.Cluster.GrainFactory(0).GetGrain<IRoundGrain>(1).OpenAsync(0, "checkpoint", clock.GetUtcNow().AddHours(1));
            return harness;
        }

        /// <summary>A hold invoice for the deposit, paid by the payer (HTLC accepted), and its submission filed.</summary>
        public async Task<PaidDeposit> PaidDepositAsync(int cltvBlocks)
        {
            var preimage = Preimage.Random();
            var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            preimages[token] = preimage;
            var invoice = await Network.Coordinator.CreateHoldInvoiceAsync(
                new CreateHoldInvoiceRequest(preimage.Hash, new Sats(Deposit).ToMilliSats(), "deposit", TimeSpan.FromMinutes(10), cltvBlocks));
            await foreach (var update in Payer.SendPaymentAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30))))
                if (update.Status == PaymentStatus.InFlight) break;
            Assert.Equal(InvoiceState.Accepted, (await Network.Coordinator.LookupInvoiceAsync(preimage.Hash))!.State);
            var hash = preimage.Hash.ToHex();
            await Submission(new PaidDeposit(preimage.Hash, token)).CreateAsync(
                new NewSubmission("payer", 1, 0, "blob", hash, 10, preimage.Hash, token, new Sats(Deposit)));
            return new PaidDeposit(preimage.Hash, token);
        }

        /// <summary>The submission as silo 0 serves it (the silo the kill test stops).</summary>
        public ISubmissionGrain Submission(PaidDeposit deposit) =>
            Cluster.GrainFactory(0).GetGrain<ISubmissionGrain>(deposit.Hash.ToHex());

        /// <summary>Waits on the job outcome the silos report (a signal, not a sleep).</summary>
        public async Task<SubmissionState> WaitForDepositAsync(PaidDeposit deposit)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                if (timeout.IsCancellationRequested)
                {
                    var settle = await Cluster.Store.FindJobAsync(PaymentJobTypes.SettleDeposit, deposit.Hash.ToHex());
                    var cancel = await Cluster.Store.FindJobAsync(PaymentJobTypes.CancelDeposit, deposit.Hash.ToHex());
                    Assert.Fail($"deposit not resolved; settle job: {settle}; cancel job: {cancel}");
                }
                var state = await Cluster.GrainFactory(0).GetGrain<ISubmissionGrain>(deposit.Hash.ToHex()).GetAsync();
                if (state.DepositResolvedAt is not null) return state;
                var finished = new TaskCompletionSource();
                void OnFinished(JobOutcome _) => finished.TrySetResult();
                Cluster.Silo(0).JobFinished += OnFinished;
                Cluster.Silo(1).JobFinished += OnFinished;
                Cluster.Silo(0).WakeJobWorkers();
                Cluster.Silo(1).WakeJobWorkers();
                try { await finished.Task.WaitAsync(TimeSpan.FromMilliseconds(250), CancellationToken.None).ConfigureAwait(false); }
                catch (TimeoutException)
                {
                    // Keep the fake clock moving so the workers' polling fallback fires too.
                    Clock.Advance(TimeSpan.FromSeconds(1));
                }
                finally
                {
                    Cluster.Silo(0).JobFinished -= OnFinished;
                    Cluster.Silo(1).JobFinished -= OnFinished;
                }
            }
        }

        /// <summary>Enqueues the same settle again, as a re-delivered verdict would: unique by payment hash, it is a no-op.</summary>
        public async Task EnqueueSettleAgainAsync(PaidDeposit deposit)
        {
            var job = new DepositJob(deposit.Hash, deposit.TokenHex, InvoicePurpose.GradientDeposit, new Sats(Deposit), SubmissionGrain.OwnerKind, deposit.Hash.ToHex());
            Assert.False(await Cluster.Silo(0).EnqueueJobAsync(job.ToRequest(forfeit: true)));
        }

        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            Network.Dispose();
            await schema.DisposeAsync();
        }
    }

    private sealed class TestPreimages(Dictionary<string, Preimage> preimages) : IDepositPreimages
    {
        public Preimage? ForToken(string tokenIdHex) => preimages.TryGetValue(tokenIdHex, out var p) ? p : null;
    }
}
