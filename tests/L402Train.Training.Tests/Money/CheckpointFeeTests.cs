using L402Train.Gateway.L402;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace L402Train.Training.Tests.Money;

/// <summary>
/// A standard fee (checkpoint, bounty access) is on the node once paid, and in the ledger once its
/// token is used or the fee sweep passes it. In between the ledger check counts it in transit; it is
/// never counted or recorded twice, and anything else the node got is still a difference.
/// </summary>
public class CheckpointFeeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Stores => new("sqlite", "postgres");

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_fee_paid_and_never_used_is_in_transit_until_the_sweep_records_it_once_even_run_twice_on_two_silos_at_once(string store)
    {
        await using var fixture = await Fixture.StartAsync(store);
        var checkpoint = await fixture.ChallengeAsync(10);
        var bounty = await fixture.ChallengeAsync(5, BountyAccess);
        await fixture.PayAsync(checkpoint);
        await fixture.PayAsync(bounty);

        var before = await fixture.ReconcileAsync();
        Assert.True(before.Reconciled, $"differs by {before.DifferenceSat} sat");
        Assert.Equal((15L, 2, 0L, 15L, 0), (before.InTransitSat, before.InTransitFees, before.ExpectedSat - fixture.Opening, before.ActualSat - fixture.Opening, before.Entries));

        // Both silos at once, then once more.
        var runs = await Task.WhenAll(fixture.SweepAsync(silo: 0), fixture.SweepAsync(silo: 1));
        var again = await fixture.SweepAsync(silo: 1);

        var ledger = await fixture.LedgerAsync();
        Assert.Equal(
            [(checkpoint.Hash.ToHex(), InvoicePurpose.CheckpointFee, 10L), (bounty.Hash.ToHex(), InvoicePurpose.BountyAccess, 5L)],
            ledger.Entries.Select(e => (e.Key, e.Purpose, e.InSat.Value)).OrderByDescending(e => e.Value));
        Assert.Equal(0, again.Recorded);
        Assert.InRange(runs.Sum(r => r.Recorded), 2, 4);
        var after = await fixture.ReconcileAsync();
        Assert.True(after.Reconciled, $"differs by {after.DifferenceSat} sat");
        Assert.Equal((0L, 0, 15L, 15L), (after.InTransitSat, after.InTransitFees, after.ExpectedSat - fixture.Opening, after.ActualSat - fixture.Opening));
        Assert.Equal(bounty.AddIndex, ledger.FeeCursor);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_fee_paid_and_used_is_counted_once_in_the_ledger_and_not_in_transit_and_the_sweep_adds_nothing(string store)
    {
        await using var fixture = await Fixture.StartAsync(store);
        var fee = await fixture.ChallengeAsync(10);
        await fixture.PayAsync(fee);
        // What GET /checkpoint does with the paid token.
        Assert.True(await FeeRecorder.RecordIfSettledAsync(fixture.Grains, fixture.Network.Coordinator, fee.Hash, InvoicePurpose.CheckpointFee, Ct));

        var used = await fixture.ReconcileAsync();
        Assert.True(used.Reconciled, $"differs by {used.DifferenceSat} sat");
        Assert.Equal((0L, 0, 1, 10L), (used.InTransitSat, used.InTransitFees, used.Entries, used.InSat));

        Assert.Equal(0, (await fixture.SweepAsync(silo: 1)).Recorded);

        var swept = await fixture.ReconcileAsync();
        Assert.True(swept.Reconciled, $"differs by {swept.DifferenceSat} sat");
        Assert.Equal((0L, 1, 10L), (swept.InTransitSat, swept.Entries, swept.InSat));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_cursor_stops_below_an_open_fee_invoice_and_moves_past_it_once_it_expires_unpaid(string store)
    {
        await using var fixture = await Fixture.StartAsync(store);
        var expired = await fixture.ChallengeAsync(3, expiry: TimeSpan.FromMinutes(1));
        var open = await fixture.ChallengeAsync(4, expiry: TimeSpan.FromMinutes(30));
        var paidLater = await fixture.ChallengeAsync(6, expiry: TimeSpan.FromMinutes(30));
        await fixture.PayAsync(paidLater);
        fixture.Clock.Advance(TimeSpan.FromMinutes(3));

        var first = await fixture.SweepAsync(silo: 0);

        // Past the expired one (final), not past the open one: paying it now must still be found.
        Assert.Equal(open.AddIndex - 1, first.Cursor);
        Assert.Equal(1, first.Recorded);
        await fixture.PayAsync(open);
        var inTransit = await fixture.ReconcileAsync();
        Assert.True(inTransit.Reconciled, $"differs by {inTransit.DifferenceSat} sat");
        Assert.Equal((4L, 1), (inTransit.InTransitSat, inTransit.InTransitFees));

        var second = await fixture.SweepAsync(silo: 1);

        Assert.Equal(1, second.Recorded);
        Assert.Equal(paidLater.AddIndex, second.Cursor);
        Assert.Equal([expired.Hash.ToHex(), open.Hash.ToHex(), paidLater.Hash.ToHex()],
            (await fixture.Network.Coordinator.ListInvoicesAsync(new InvoiceQuery(), Ct)).Invoices.Select(i => i.Hash.ToHex()));
        Assert.Equal([(paidLater.Hash.ToHex(), 6L), (open.Hash.ToHex(), 4L)], (await fixture.LedgerAsync()).Entries.Select(e => (e.Key, e.InSat.Value)));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Hold_invoices_and_other_invoices_are_no_fees_and_never_hold_the_cursor_back(string store)
    {
        await using var fixture = await Fixture.StartAsync(store);
        // An ACCEPTED deposit for hours, a bounty funding invoice open for a day: neither is a fee.
        var preimage = Preimage.Random();
        var deposit = await fixture.Network.Coordinator.CreateHoldInvoiceAsync(new CreateHoldInvoiceRequest(preimage.Hash, new Sats(500).ToMilliSats(), "L402 checkpoint", TimeSpan.FromMinutes(10)), Ct);
        await using var held = fixture.Payer.SendPaymentAsync(new PaymentRequest(deposit.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct).GetAsyncEnumerator(Ct);
        Assert.True(await held.MoveNextAsync());
        var funding = await fixture.Network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(50).ToMilliSats(), "l402train bounty b-1: x", TimeSpan.FromDays(1)), Ct);
        var fee = await fixture.ChallengeAsync(7);
        await fixture.PayAsync(fee);

        var run = await fixture.SweepAsync(silo: 0);

        Assert.Equal((1, fee.AddIndex), (run.Recorded, run.Cursor));
        Assert.True(funding.AddIndex < fee.AddIndex);
        Assert.Equal([fee.Hash.ToHex()], (await fixture.LedgerAsync()).Entries.Select(e => e.Key));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_payment_the_ledger_never_saw_is_still_a_difference_next_to_a_fee_in_transit(string store)
    {
        await using var fixture = await Fixture.StartAsync(store);
        var fee = await fixture.ChallengeAsync(10);
        await fixture.PayAsync(fee);
        // An invoice the gate did not write: paid, and nothing will ever record it.
        var stray = await fixture.Network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(25).ToMilliSats(), "stray", TimeSpan.FromMinutes(10)), Ct);
        await fixture.PayAsync(stray);

        var result = await fixture.ReconcileAsync();

        Assert.False(result.Reconciled);
        Assert.Equal((10L, 1, -25L), (result.InTransitSat, result.InTransitFees, result.DifferenceSat));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_fee_whose_ledger_post_failed_after_the_invoice_was_recorded_reaches_the_ledger_through_the_sweep(string store)
    {
        var ledgerDown = new FailFirstLedgerPost();
        await using var fixture = await Fixture.StartAsync(store, ledgerDown);
        var fee = await fixture.ChallengeAsync(10);
        await fixture.PayAsync(fee);
        // The token is used; the invoice record is written Settled, then the ledger post fails (a crash between the two).
        await Assert.ThrowsAsync<InvalidOperationException>(() => FeeRecorder.RecordIfSettledAsync(fixture.Grains, fixture.Network.Coordinator, fee.Hash, InvoicePurpose.CheckpointFee, Ct));
        Assert.Equal(MoneyState.Settled, (await fixture.Grains.GetGrain<IInvoiceGrain>(fee.Hash.ToHex()).GetAsync())!.State);
        Assert.Empty((await fixture.LedgerAsync()).Entries);

        await fixture.RunSweepJobAsync();

        var ledger = await fixture.LedgerAsync();
        Assert.Equal([(fee.Hash.ToHex(), 10L)], ledger.Entries.Select(e => (e.Key, e.InSat.Value)));
        var result = await fixture.ReconcileAsync();
        Assert.True(result.Reconciled, $"differs by {result.DifferenceSat} sat");
        Assert.Equal((0L, 10L), (result.InTransitSat, result.InSat));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_sweep_job_records_a_fee_and_queues_its_next_run_and_a_retired_fee_check_row_completes_harmlessly(string store)
    {
        await using var fixture = await Fixture.StartAsync(store);
        var fee = await fixture.ChallengeAsync(10);
        await fixture.PayAsync(fee);
        // A row of the retired per-challenge check, as a database from before the sweep holds it, due with the sweep's run.
        // Not earlier: the fake clock's one-minute advance fires the job workers' timers at the times in between, so a row
        // due at +1 s could be claimed at such a time with a 30 s lease that the same advance then expires (LeaseLost).
        Assert.True(await fixture.Cluster.Silo(0).EnqueueJobAsync(new JobRequest(TrainingJobTypes.CheckCheckpointFee, fee.Hash.ToHex(),
            $$"""{"paymentHash":"{{fee.Hash.ToHex()}}","purpose":"CheckpointFee"}""", fixture.Clock.GetUtcNow() + Fixture.SweepInterval), Ct));

        await fixture.RunSweepJobAsync(alsoFinishing: 1);

        Assert.Equal([fee.Hash.ToHex()], (await fixture.LedgerAsync()).Entries.Select(e => e.Key));
        Assert.Equal(JobState.Completed, (await fixture.Cluster.Store.FindJobAsync(TrainingJobTypes.CheckCheckpointFee, fee.Hash.ToHex(), Ct))!.State);
        var next = FeeSweepHandler.Next(fixture.Clock.GetUtcNow(), Fixture.SweepInterval);
        Assert.Equal(JobState.Available, (await fixture.Cluster.Store.FindJobAsync(FeeSweepHandler.JobType, next.UniqueKey, Ct))!.State);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_payments_fee_recorder_books_bounty_access_and_inference_fees_under_their_own_purpose_once(string store)
    {
        // Bounty access and inference fees used to be recorded through the training API; Payments' recorder takes every purpose.
        await using var fixture = await Fixture.StartAsync(store);
        var bounty = await fixture.ChallengeAsync(5, BountyAccess);
        var completion = await fixture.ChallengeAsync(3, InvoicePurpose.Inference);
        await fixture.PayAsync(bounty);
        await fixture.PayAsync(completion);

        foreach (var _ in Enumerable.Range(0, 2))
        {
            Assert.True(await FeeRecorder.RecordIfSettledAsync(fixture.Grains, fixture.Network.Coordinator, bounty.Hash, BountyAccess, Ct));
            Assert.True(await FeeRecorder.RecordIfSettledAsync(fixture.Grains, fixture.Network.Coordinator, completion.Hash, InvoicePurpose.Inference, Ct));
        }

        var ledger = await fixture.LedgerAsync();
        Assert.Equal(
            [(bounty.Hash.ToHex(), BountyAccess, 5L), (completion.Hash.ToHex(), InvoicePurpose.Inference, 3L)],
            ledger.Entries.Select(e => (e.Key, e.Purpose, e.InSat.Value)).OrderByDescending(e => e.Value));
        var result = await fixture.ReconcileAsync();
        Assert.True(result.Reconciled, $"differs by {result.DifferenceSat} sat");
    }

    private const InvoicePurpose BountyAccess = InvoicePurpose.BountyAccess;

    /// <summary>Fails the first post to the ledger, as a silo dying right after an invoice write would.</summary>
    private sealed class FailFirstLedgerPost : IIncomingGrainCallFilter
    {
        private int calls;

        public Task Invoke(IIncomingGrainCallContext context) =>
            context.InterfaceMethod.Name == nameof(ILedgerGrain.PostAsync) && Interlocked.Increment(ref calls) == 1
                ? throw new InvalidOperationException("ledger post lost")
                : context.Invoke();
    }

    private sealed class PassThrough : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context) => context.Invoke();
    }

    /// <summary>Two silos with the fee sweep (and the retired check's handler) over a real store, a simnet coordinator and payer, and a fake clock.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

        private Func<ValueTask> cleanup = () => ValueTask.CompletedTask;

        public FakeTimeProvider Clock { get; } = new();
        public SimnetNetwork Network { get; private set; } = null!;
        public SimnetNode Payer { get; private set; } = null!;
        public TestCluster Cluster { get; private set; } = null!;
        public IGrainFactory Grains => Cluster.GrainFactory(0);
        public long Opening { get; private set; }

        public static async Task<Fixture> StartAsync(string kind, IIncomingGrainCallFilter? filter = null)
        {
            var fixture = new Fixture();
            fixture.Network = new SimnetNetwork(new SimnetOptions(), fixture.Clock);
            fixture.Payer = fixture.Network.CreateFundedNode("payer", new Sats(10_000));
            var services = new ServiceCollection()
                .AddSingleton<ILightningNode>(fixture.Network.Coordinator)
                .AddSingleton(GatewayFees.Default)
                .AddSingleton(new FeeSweepOptions { Interval = SweepInterval });
            fixture.Cluster = await TestCluster.StartAsync(await fixture.CreateStoreAsync(kind), 2, silo => silo
                .UseServices(services)
                .AddJobHandler(FeeSweepHandler.JobType, s => ActivatorUtilities.CreateInstance<FeeSweepHandler>(s))
                .AddJobHandler(TrainingJobTypes.CheckCheckpointFee, new RetiredFeeCheckHandler())
                .AddIncomingGrainCallFilter(filter ?? new PassThrough()), fixture.Clock);
            fixture.Opening = (await fixture.Network.Coordinator.GetBalanceAsync(Ct)).Local.ToSatsFloor().Value;
            await fixture.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync(new Sats(fixture.Opening));
            return fixture;
        }

        private async Task<IGrainStore> CreateStoreAsync(string kind)
        {
            if (kind == "sqlite")
            {
                var dir = Directory.CreateTempSubdirectory("l402-fees-");
                cleanup = () =>
                {
                    SqliteConnection.ClearAllPools();
                    dir.Delete(recursive: true);
                    return ValueTask.CompletedTask;
                };
                return new SqliteGrainStore(Path.Combine(dir.FullName, "grains.db"));
            }
            var schema = await PostgresDatabase.CreateSchemaAsync("fees");
            cleanup = schema.DisposeAsync;
            return new PostgresGrainStore(schema.ConnectionString);
        }

        /// <summary>What the gate does on a 402: a fee invoice whose memo names the capability. Nothing is written.</summary>
        public Task<Invoice> ChallengeAsync(long sat, InvoicePurpose purpose = InvoicePurpose.CheckpointFee, TimeSpan? expiry = null)
        {
            var capability = purpose switch { InvoicePurpose.BountyAccess => "bounty-read", InvoicePurpose.Inference => "inference", _ => "checkpoint" };
            return Network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(sat).ToMilliSats(), $"L402 {capability}", expiry ?? TimeSpan.FromMinutes(10)), Ct);
        }

        public async Task PayAsync(Invoice invoice) =>
            Assert.Equal(PaymentStatus.Succeeded, (await Payer.PayAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct)).Status);

        public Task<LedgerReconciliation> ReconcileAsync() => LedgerReconciliation.CheckAsync(Cluster.GrainFactory(1), Network.Coordinator, GatewayFees.Default, Ct);

        public Task<LedgerState> LedgerAsync() => Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();

        public Task<FeeSweep.Result> SweepAsync(int silo) =>
            FeeSweep.RunAsync(Cluster.GrainFactory(silo), Network.Coordinator, GatewayFees.Default, Clock.GetUtcNow(), Ct);

        /// <summary>Queues the sweep's next run, moves the clock to it and waits for silo 0 to report it (and <paramref name="alsoFinishing"/> other jobs) done.</summary>
        public async Task RunSweepJobAsync(int alsoFinishing = 0)
        {
            var outcomes = new System.Collections.Concurrent.ConcurrentQueue<JobOutcome>();
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var expected = 1 + alsoFinishing;
            void OnFinished(JobOutcome outcome)
            {
                outcomes.Enqueue(outcome);
                if (outcomes.Count == expected) all.TrySetResult();
            }
            // Either silo may take a job; nothing is due before the clock moves.
            Cluster.Silo(0).JobFinished += OnFinished;
            Cluster.Silo(1).JobFinished += OnFinished;
            try
            {
                Assert.True(await Cluster.Silo(0).EnqueueJobAsync(FeeSweepHandler.Next(Clock.GetUtcNow(), SweepInterval), Ct));
                Clock.Advance(SweepInterval);
                Cluster.Silo(0).WakeJobWorkers();
                Cluster.Silo(1).WakeJobWorkers();
                await all.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
                Assert.All(outcomes, outcome => Assert.Equal(JobOutcomeKind.Completed, outcome.Kind));
            }
            finally
            {
                Cluster.Silo(0).JobFinished -= OnFinished;
                Cluster.Silo(1).JobFinished -= OnFinished;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Cluster is not null) await Cluster.DisposeAsync();
            Network?.Dispose();
            await cleanup();
        }
    }
}
