using L402Train.Grains.Payments;
using L402Train.Grains.Runtime;
using L402Train.Grains.Training;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace L402Train.Training.Tests.Money;

/// <summary>
/// A checkpoint fee paid and never used is still income: the check queued with every 402
/// challenge records it once its invoice has expired, so the ledger keeps matching the node.
/// </summary>
public class CheckpointFeeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_fee_paid_and_never_used_is_in_the_ledger_after_its_invoice_expires()
    {
        var clock = new FakeTimeProvider();
        using var network = new SimnetNetwork(new SimnetOptions(), clock);
        var payer = network.CreateFundedNode("payer", new Sats(10_000));
        await using var cluster = await StartAsync(network, clock);
        var grains = cluster.GrainFactory(0);
        await grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync((await network.Coordinator.GetBalanceAsync(Ct)).Local.ToSatsFloor().Value);

        var paid = await network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(10).ToMilliSats(), "checkpoint", TimeSpan.FromMinutes(10)), Ct);
        var unpaid = await network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(10).ToMilliSats(), "checkpoint", TimeSpan.FromMinutes(10)), Ct);
        Assert.Equal(PaymentStatus.Succeeded, (await payer.PayAsync(new PaymentRequest(paid.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct)).Status);
        Assert.False((await LedgerReconciliation.CheckAsync(grains, network.Coordinator, Ct)).Reconciled);

        await cluster.Silo(0).EnqueueJobAsync(CheckpointFees.CheckAtExpiry(paid.Hash, paid.ExpiresAt.AddSeconds(5)), Ct);
        await cluster.Silo(0).EnqueueJobAsync(CheckpointFees.CheckAtExpiry(unpaid.Hash, unpaid.ExpiresAt.AddSeconds(5)), Ct);
        await RunDueJobsAsync(cluster, clock, count: 2);

        var ledger = await grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((paid.Hash.ToHex(), InvoicePurpose.CheckpointFee, 10L), (entry.PaymentHash, entry.Purpose, entry.InSat));
        Assert.True((await LedgerReconciliation.CheckAsync(grains, network.Coordinator, Ct)).Reconciled);
        Assert.Null(await grains.GetGrain<IInvoiceGrain>(unpaid.Hash.ToHex()).GetAsync());
    }

    private static Task<TestCluster> StartAsync(SimnetNetwork network, FakeTimeProvider clock)
    {
        var services = new ServiceCollection().AddSingleton<ILightningNode>(network.Coordinator).BuildServiceProvider();
        return TestCluster.StartAsync(new MemoryGrainStore(), 1, silo => silo
            .UseServices(services)
            .AddGrain<IInvoiceGrain, InvoiceGrain>().AddGrain<ILedgerGrain, LedgerGrain>()
            .AddJobHandler(TrainingJobTypes.CheckCheckpointFee, s => ActivatorUtilities.CreateInstance<CheckCheckpointFeeHandler>(s)), clock);
    }

    // Moves the clock past the invoices' expiry and waits for the silo to report the jobs done.
    private static async Task RunDueJobsAsync(TestCluster cluster, FakeTimeProvider clock, int count)
    {
        var outcomes = new System.Collections.Concurrent.ConcurrentQueue<JobOutcomeKind>();
        var all = new TaskCompletionSource();
        void OnFinished(JobOutcome outcome)
        {
            outcomes.Enqueue(outcome.Kind);
            if (outcomes.Count == count) all.TrySetResult();
        }
        cluster.Silo(0).JobFinished += OnFinished;
        try
        {
            clock.Advance(TimeSpan.FromMinutes(11));
            cluster.Silo(0).WakeJobWorkers();
            await all.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.All(outcomes, kind => Assert.Equal(JobOutcomeKind.Completed, kind));
        }
        finally
        {
            cluster.Silo(0).JobFinished -= OnFinished;
        }
    }
}
