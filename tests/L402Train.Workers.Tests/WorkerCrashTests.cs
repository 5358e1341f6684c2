using System.Security.Cryptography;
using L402Train.Gateway.Apis;
using L402Train.Gateway.L402;
using L402Train.Grains.Payments;
using L402Train.Grains.Workers;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Runtime;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>
/// A worker that fails to deliver never keeps the money: a silo killed mid-run, a run past the worker's deadline and a
/// runner that throws all end with the hold invoice cancelled (the buyer refunded), promptly and never at HTLC expiry.
/// </summary>
public sealed class WorkerCrashTests
{
    private const long Price = 50;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_killed_mid_run_cancels_the_hold_invoice_after_restart_and_settles_nothing()
    {
        var runner = new HangingRunner();
        await using var harness = await Harness.StartAsync(runner);
        var (hash, buyerBefore) = await harness.PaidExperimentAsync();
        await runner.Started.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        await harness.Cluster.KillSiloAsync(0);
        await harness.Cluster.RestartSiloAsync(0);
        var state = await harness.WaitForPaymentAsync(hash, ExperimentPaymentStage.Cancelled, advanceClock: true);

        Assert.Equal(ExperimentStage.Abandoned, state.Stage);
        Assert.Contains("did not deliver", state.Outcome!.Error);
        Assert.Equal(1, runner.Calls);
        await harness.AssertRefundedAsync(hash, buyerBefore);
    }

    [Fact]
    public async Task A_run_past_the_worker_deadline_is_abandoned_and_refunded()
    {
        var runner = new HangingRunner();
        await using var harness = await Harness.StartAsync(runner);
        var (hash, buyerBefore) = await harness.PaidExperimentAsync();
        await runner.Started.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        harness.Clock.Advance(harness.Options.RunDeadline + TimeSpan.FromSeconds(1));
        var state = await harness.WaitForPaymentAsync(hash, ExperimentPaymentStage.Cancelled, advanceClock: false);

        Assert.Equal(ExperimentStage.Abandoned, state.Stage);
        Assert.Contains("deadline", state.Outcome!.Error);
        await harness.AssertRefundedAsync(hash, buyerBefore);
    }

    [Fact]
    public async Task A_runner_that_throws_is_the_worker_failing_and_refunds_the_buyer()
    {
        await using var harness = await Harness.StartAsync(new ThrowingRunner());
        var (hash, buyerBefore) = await harness.PaidExperimentAsync();

        var state = await harness.WaitForPaymentAsync(hash, ExperimentPaymentStage.Cancelled, advanceClock: false);

        Assert.Equal(ExperimentStage.Abandoned, state.Stage);
        Assert.Contains("IOException", state.Outcome!.Error);
        await harness.AssertRefundedAsync(hash, buyerBefore);
    }

    [Fact]
    public async Task A_delivered_result_is_settled_once_even_when_delivery_is_repeated()
    {
        await using var harness = await Harness.StartAsync(new InstantRunner());
        var (hash, _) = await harness.PaidExperimentAsync();
        var state = await harness.WaitForPaymentAsync(hash, ExperimentPaymentStage.Settled, advanceClock: false);

        // A second delivery (a retried job) changes nothing and queues nothing.
        await harness.Experiment(hash).DeliverAsync(ExperimentOutcome.Completed(new Dictionary<string, double> { ["val_bpb"] = 0.1 }, 1));
        var again = await harness.Experiment(hash).GetAsync();

        Assert.Equal(ExperimentStage.Completed, state.Stage);
        Assert.Equal(2.5, again.Outcome!.Metrics!["val_bpb"]);
        Assert.Equal(InvoiceState.Settled, (await harness.Network.Coordinator.LookupInvoiceAsync(hash, Ct))!.State);
        Assert.Equal(PaymentStatus.Succeeded, (await harness.Buyer.LookupPaymentAsync(hash, Ct))!.Status);
        Assert.Null(await harness.Cluster.Store.FindJobAsync(PaymentJobTypes.CancelDeposit, hash.ToHex(), Ct));
        var ledger = await harness.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        Assert.Equal(new Sats(Price), Assert.Single(ledger.Entries).InSat);
    }

    [Fact]
    public async Task A_paid_experiment_request_that_never_files_is_refunded_by_the_unfiled_deposit_job()
    {
        await using var harness = await Harness.StartAsync(new InstantRunner());
        var (hash, token, buyerBefore) = await harness.PaidUnfiledAsync();
        var caveats = new[] { new L402.Caveats.Caveat("l402train_capabilities", WorkerApi.Capability) };
        var unfiled = UnfiledDeposits.For(hash, token, caveats, new Sats(Price))!;
        Assert.Equal(ExperimentGrain.OwnerKind, unfiled.OwnerKind);

        await harness.Cluster.Silo(0).EnqueueJobAsync(unfiled.ToRequest(harness.Clock.GetUtcNow()), Ct);
        var state = await harness.WaitForPaymentAsync(hash, ExperimentPaymentStage.Cancelled, advanceClock: false);

        Assert.Equal(ExperimentStage.Abandoned, state.Stage);
        await harness.AssertRefundedAsync(hash, buyerBefore);
        // A late filing of the refunded payment files nothing: the gateway answers 409.
        var late = await harness.Experiment(hash).FileAsync(new ExperimentFiling("exp-late", ExperimentRunKind.Trainer, TrainerSettings.Default,
            null, null, null, 0, "sha256:00", token, new Sats(Price), "00"));
        Assert.Equal("", late.Filing!.ExperimentId);
    }

    private sealed class Harness : IAsyncDisposable
    {
        private readonly Dictionary<string, Preimage> preimages = [];

        public FakeTimeProvider Clock { get; } = new();
        public TestCluster Cluster { get; private set; } = null!;
        public SimnetNetwork Network { get; private set; } = null!;
        public SimnetNode Buyer { get; private set; } = null!;
        public WorkerOptions Options { get; } = new() { RunDeadline = TimeSpan.FromMinutes(5) };
        public IGrainFactory Grains => Cluster.GrainFactory(0);

        public static async Task<Harness> StartAsync(IExperimentRunner runner)
        {
            var harness = new Harness();
            harness.Network = new SimnetNetwork(new SimnetOptions(), harness.Clock);
            harness.Buyer = harness.Network.CreateFundedNode("buyer", new Sats(100_000));
            var services = new ServiceCollection()
                .AddSingleton<ILightningNode>(harness.Network.Coordinator)
                .AddSingleton<IDepositPreimages>(new TestPreimages(harness.preimages))
                .AddSingleton(runner)
                .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
                .AddWorkers(harness.Options);
            harness.Cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, silo => silo.UseServices(services)
                .Configure(o => (o.Jobs.PollInterval, o.Jobs.Lease, o.Jobs.HeartbeatInterval, o.Jobs.RescueInterval) =
                    (TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)))
                .AddJobHandler(UnfiledDepositJob.JobType, new RefundUnfiledDepositHandler()), harness.Clock);
            var balance = await harness.Network.Coordinator.GetBalanceAsync();
            await harness.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync(balance.Local.ToSatsFloor());
            return harness;
        }

        public IExperimentGrain Experiment(PaymentHash hash) => Grains.GetGrain<IExperimentGrain>(hash.ToHex());

        /// <summary>A hold invoice locked by the buyer and the experiment filed, as the gateway does after the L402 gate.</summary>
        public async Task<(PaymentHash Hash, MilliSats BuyerBefore)> PaidExperimentAsync()
        {
            var (hash, token, before) = await PaidUnfiledAsync();
            await Experiment(hash).FileAsync(new ExperimentFiling("exp-20260101-" + hash.ToHex(), ExperimentRunKind.Trainer, TrainerSettings.Default,
                null, null, null, 0, "sha256:00", token, new Sats(Price), Network.Coordinator.Id.ToHex()));
            return (hash, before);
        }

        /// <summary>A hold invoice locked by the buyer and nothing filed (the request was cut off after the gate).</summary>
        public async Task<(PaymentHash Hash, string Token, MilliSats BuyerBefore)> PaidUnfiledAsync()
        {
            var before = (await Buyer.GetBalanceAsync(Ct)).Local;
            var preimage = Preimage.Random();
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            preimages[token] = preimage;
            var invoice = await Network.Coordinator.CreateHoldInvoiceAsync(
                new CreateHoldInvoiceRequest(preimage.Hash, new Sats(Price).ToMilliSats(), "experiment", TimeSpan.FromMinutes(60), 80), Ct);
            await foreach (var update in Buyer.SendPaymentAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct))
                if (update.Status == PaymentStatus.InFlight) break;
            return (preimage.Hash, token, before);
        }

        /// <summary>Waits, on the jobs' signals, until the experiment's payment reaches <paramref name="stage"/>; moves the clock past leases when asked.</summary>
        public async Task<ExperimentState> WaitForPaymentAsync(PaymentHash hash, ExperimentPaymentStage stage, bool advanceClock)
        {
            if (advanceClock)
            {
                // The dead silo's lease lapses on the shared clock; the rescue hands the job to the restarted silo.
                for (var i = 0; i < 60 && (await Experiment(hash).GetAsync()).Payment != stage; i++)
                {
                    Clock.Advance(TimeSpan.FromSeconds(10));
                    try
                    {
                        await Cluster.WaitUntilAsync(async () => (await Experiment(hash).GetAsync()).Payment == stage, TimeSpan.FromSeconds(1), "the payment");
                    }
                    catch (TimeoutException)
                    {
                        // Not yet: the lease has not lapsed on the fake clock; advance it again.
                    }
                }
            }
            await Cluster.WaitUntilAsync(async () => (await Experiment(hash).GetAsync()).Payment == stage, TimeSpan.FromSeconds(60), $"the payment to be {stage}");
            return await Experiment(hash).GetAsync();
        }

        public async Task AssertRefundedAsync(PaymentHash hash, MilliSats buyerBefore)
        {
            Assert.Equal(InvoiceState.Canceled, (await Network.Coordinator.LookupInvoiceAsync(hash, Ct))!.State);
            Assert.Equal(PaymentStatus.Failed, (await Buyer.LookupPaymentAsync(hash, Ct))!.Status);
            Assert.Equal(buyerBefore, (await Buyer.GetBalanceAsync(Ct)).Local);
            Assert.Null(await Cluster.Store.FindJobAsync(PaymentJobTypes.SettleDeposit, hash.ToHex(), Ct));
        }

        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            Network.Dispose();
        }
    }

    private sealed class TestPreimages(Dictionary<string, Preimage> preimages) : IDepositPreimages
    {
        public Preimage? ForToken(string tokenIdHex) => preimages.TryGetValue(tokenIdHex, out var p) ? p : null;
    }

    private sealed class ThrowingRunner : IExperimentRunner
    {
        public Task<ExperimentOutcome> RunAsync(ExperimentFiling filing, CancellationToken cancellationToken) =>
            throw new IOException("the scratch disk is full");
    }

    private sealed class InstantRunner : IExperimentRunner
    {
        public Task<ExperimentOutcome> RunAsync(ExperimentFiling filing, CancellationToken cancellationToken) =>
            Task.FromResult(ExperimentOutcome.Completed(new Dictionary<string, double> { ["val_bpb"] = 2.5 }, 1));
    }
}
