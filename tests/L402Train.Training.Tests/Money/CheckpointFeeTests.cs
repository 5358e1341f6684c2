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
/// token is used or its check runs at invoice expiry. In between the ledger check counts it in
/// transit; it is never counted twice, and anything else the node got is still a difference.
/// </summary>
public class CheckpointFeeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Stores => new("sqlite", "postgres");

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_fee_paid_and_never_used_is_in_transit_until_its_check_records_it_at_invoice_expiry(string store)
    {
        await using var fixture = await Fixture.StartAsync(store);
        var checkpoint = await fixture.ChallengeAsync(10);
        var bounty = await fixture.ChallengeAsync(5, InvoicePurpose.BountyAccess);
        await fixture.PayAsync(checkpoint);
        await fixture.PayAsync(bounty);

        var before = await fixture.ReconcileAsync();
        Assert.True(before.Reconciled, $"differs by {before.DifferenceSat} sat");
        Assert.Equal((15L, 2, 0L, 15L, 0), (before.InTransitSat, before.InTransitFees, before.ExpectedSat - fixture.Opening, before.ActualSat - fixture.Opening, before.Entries));

        await fixture.RunDueChecksAsync(count: 2);

        var ledger = await fixture.LedgerAsync();
        Assert.Equal(
            [(checkpoint.Hash.ToHex(), InvoicePurpose.CheckpointFee, 10L), (bounty.Hash.ToHex(), InvoicePurpose.BountyAccess, 5L)],
            ledger.Entries.Select(e => (e.PaymentHash, e.Purpose, e.InSat)).OrderByDescending(e => e.InSat));
        var after = await fixture.ReconcileAsync();
        Assert.True(after.Reconciled, $"differs by {after.DifferenceSat} sat");
        Assert.Equal((0L, 0, 15L, 15L), (after.InTransitSat, after.InTransitFees, after.ExpectedSat - fixture.Opening, after.ActualSat - fixture.Opening));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_fee_paid_and_used_is_counted_once_in_the_ledger_and_not_in_transit(string store)
    {
        await using var fixture = await Fixture.StartAsync(store);
        var fee = await fixture.ChallengeAsync(10);
        await fixture.PayAsync(fee);
        // What GET /checkpoint does with the paid token; the check queued at challenge time stays pending.
        Assert.True(await CheckpointFees.RecordIfSettledAsync(fixture.Grains, fixture.Network.Coordinator, fee.Hash, cancellationToken: Ct));

        var used = await fixture.ReconcileAsync();
        Assert.Equal(JobState.Available, (await fixture.Cluster.Store.FindJobAsync(TrainingJobTypes.CheckCheckpointFee, fee.Hash.ToHex(), Ct))!.State);
        Assert.True(used.Reconciled, $"differs by {used.DifferenceSat} sat");
        Assert.Equal((0L, 0, 1, 10L), (used.InTransitSat, used.InTransitFees, used.Entries, used.InSat));

        await fixture.RunDueChecksAsync(count: 1);

        var checkedToo = await fixture.ReconcileAsync();
        Assert.True(checkedToo.Reconciled, $"differs by {checkedToo.DifferenceSat} sat");
        Assert.Equal((0L, 1, 10L), (checkedToo.InTransitSat, checkedToo.Entries, checkedToo.InSat));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_unpaid_challenge_puts_nothing_in_transit_and_nothing_in_the_ledger(string store)
    {
        await using var fixture = await Fixture.StartAsync(store);
        var unpaid = await fixture.ChallengeAsync(10);

        var open = await fixture.ReconcileAsync();
        Assert.True(open.Reconciled, $"differs by {open.DifferenceSat} sat");
        Assert.Equal((0L, 0), (open.InTransitSat, open.InTransitFees));

        await fixture.RunDueChecksAsync(count: 1);

        var expired = await fixture.ReconcileAsync();
        Assert.True(expired.Reconciled, $"differs by {expired.DifferenceSat} sat");
        Assert.Equal((0L, 0), (expired.InTransitSat, expired.Entries));
        Assert.Null(await fixture.Grains.GetGrain<IInvoiceGrain>(unpaid.Hash.ToHex()).GetAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_payment_the_ledger_never_saw_is_still_a_difference_next_to_a_fee_in_transit(string store)
    {
        await using var fixture = await Fixture.StartAsync(store);
        var fee = await fixture.ChallengeAsync(10);
        await fixture.PayAsync(fee);
        // An invoice nobody queued a fee check for: paid, and nothing will ever record it.
        var stray = await fixture.Network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(25).ToMilliSats(), "stray", TimeSpan.FromMinutes(10)), Ct);
        await fixture.PayAsync(stray);

        var result = await fixture.ReconcileAsync();

        Assert.False(result.Reconciled);
        Assert.Equal((10L, 1, -25L), (result.InTransitSat, result.InTransitFees, result.DifferenceSat));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_fee_whose_ledger_post_failed_after_the_invoice_was_recorded_reaches_the_ledger_through_its_check(string store)
    {
        var ledgerDown = new FailFirstLedgerPost();
        await using var fixture = await Fixture.StartAsync(store, ledgerDown);
        var fee = await fixture.ChallengeAsync(10);
        await fixture.PayAsync(fee);
        // The token is used; the invoice record is written Settled, then the ledger post fails (a crash between the two).
        await Assert.ThrowsAsync<InvalidOperationException>(() => CheckpointFees.RecordIfSettledAsync(fixture.Grains, fixture.Network.Coordinator, fee.Hash, cancellationToken: Ct));
        Assert.Equal(MoneyState.Settled, (await fixture.Grains.GetGrain<IInvoiceGrain>(fee.Hash.ToHex()).GetAsync())!.State);
        Assert.Empty((await fixture.LedgerAsync()).Entries);

        await fixture.RunDueChecksAsync(count: 1);

        var ledger = await fixture.LedgerAsync();
        Assert.Equal([(fee.Hash.ToHex(), 10L)], ledger.Entries.Select(e => (e.PaymentHash, e.InSat)));
        var result = await fixture.ReconcileAsync();
        Assert.True(result.Reconciled, $"differs by {result.DifferenceSat} sat");
        Assert.Equal((0L, 10L), (result.InTransitSat, result.InSat));
    }

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

    /// <summary>One silo with the fee check handler over a real store, a simnet coordinator and payer, and a fake clock.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        private readonly FakeTimeProvider clock = new();
        private Func<ValueTask> cleanup = () => ValueTask.CompletedTask;

        public SimnetNetwork Network { get; private set; } = null!;
        public SimnetNode Payer { get; private set; } = null!;
        public TestCluster Cluster { get; private set; } = null!;
        public IGrainFactory Grains => Cluster.GrainFactory(0);
        public long Opening { get; private set; }

        public static async Task<Fixture> StartAsync(string kind, IIncomingGrainCallFilter? filter = null)
        {
            var fixture = new Fixture();
            fixture.Network = new SimnetNetwork(new SimnetOptions(), fixture.clock);
            fixture.Payer = fixture.Network.CreateFundedNode("payer", new Sats(10_000));
            var services = new ServiceCollection().AddSingleton<ILightningNode>(fixture.Network.Coordinator);
            fixture.Cluster = await TestCluster.StartAsync(await fixture.CreateStoreAsync(kind), 1, silo => silo
                .UseServices(services)
                .AddJobHandler(TrainingJobTypes.CheckCheckpointFee, s => ActivatorUtilities.CreateInstance<CheckCheckpointFeeHandler>(s))
                .AddIncomingGrainCallFilter(filter ?? new PassThrough()), fixture.clock);
            fixture.Opening = (await fixture.Network.Coordinator.GetBalanceAsync(Ct)).Local.ToSatsFloor().Value;
            await fixture.Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync(fixture.Opening);
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

        /// <summary>What the gate and its fee watch do on a 402: a fee invoice and its check at expiry + 5 s.</summary>
        public async Task<Invoice> ChallengeAsync(long sat, InvoicePurpose purpose = InvoicePurpose.CheckpointFee)
        {
            var invoice = await Network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(sat).ToMilliSats(), "fee", TimeSpan.FromMinutes(10)), Ct);
            Assert.True(await Cluster.Silo(0).EnqueueJobAsync(CheckpointFees.CheckAtExpiry(invoice.Hash, invoice.ExpiresAt.AddSeconds(5), purpose), Ct));
            return invoice;
        }

        public async Task PayAsync(Invoice invoice) =>
            Assert.Equal(PaymentStatus.Succeeded, (await Payer.PayAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct)).Status);

        public Task<LedgerReconciliation> ReconcileAsync() => LedgerReconciliation.CheckAsync(Cluster.GrainFactory(0), Cluster.Store, Network.Coordinator, Ct);

        public Task<LedgerState> LedgerAsync() => Grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();

        /// <summary>Moves the clock past the invoices' expiry and waits for the silo to report the checks done.</summary>
        public async Task RunDueChecksAsync(int count)
        {
            var outcomes = new System.Collections.Concurrent.ConcurrentQueue<JobOutcomeKind>();
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnFinished(JobOutcome outcome)
            {
                outcomes.Enqueue(outcome.Kind);
                if (outcomes.Count == count) all.TrySetResult();
            }
            Cluster.Silo(0).JobFinished += OnFinished;
            try
            {
                clock.Advance(TimeSpan.FromMinutes(11));
                Cluster.Silo(0).WakeJobWorkers();
                await all.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
                Assert.All(outcomes, kind => Assert.Equal(JobOutcomeKind.Completed, kind));
            }
            finally
            {
                Cluster.Silo(0).JobFinished -= OnFinished;
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
