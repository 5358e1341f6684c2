using L402Train.Gateway.Apis;
using L402Train.Gateway.L402;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.L402.Caveats;
using L402Train.L402.Tokens;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace L402Train.Training.Tests.Money;

/// <summary>
/// A deposit whose request never files a submission (refused before filing, cut off mid-upload,
/// crashed) is refunded after the grace period, once, by the job its consumption queued; a
/// submission filed in time keeps its deposit; one filed too late gets nothing and loses nothing.
/// </summary>
public sealed class UnfiledDepositTests
{
    private const long Deposit = 1_000;
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);
    private static readonly Caveat[] GradientCaveats = [new("l402train_capabilities", TrainingApi.GradientCapability)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_consumed_deposit_that_files_nothing_is_refunded_after_the_grace_period_exactly_once()
    {
        await using var h = await Harness.StartAsync();
        var deposit = await h.PaidDepositAsync();
        var payerBefore = await h.Payer.GetBalanceAsync(Ct);
        Assert.True(await h.ConsumeAsync(deposit));

        h.Clock.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.Equal(InvoiceState.Accepted, (await h.Network.Coordinator.LookupInvoiceAsync(deposit.Hash, Ct))!.State);
        Assert.Null(await h.Cluster.Store.FindJobAsync(PaymentJobTypes.CancelDeposit, deposit.Hash.ToHex(), Ct));

        h.Clock.Advance(TimeSpan.FromSeconds(2));
        var refused = await h.WaitForDepositAsync(deposit);

        Assert.Equal(DepositStatus.Refunded, refused.Deposit);
        Assert.Equal(UnfiledDepositJob.Reason, refused.Refused);
        Assert.Equal(InvoiceState.Canceled, (await h.Network.Coordinator.LookupInvoiceAsync(deposit.Hash, Ct))!.State);
        Assert.Equal(payerBefore.Local + new Sats(Deposit).ToMilliSats(), (await h.Payer.GetBalanceAsync(Ct)).Local);
        Assert.Equal(1, (await h.Cluster.Store.FindJobAsync(PaymentJobTypes.CancelDeposit, deposit.Hash.ToHex(), Ct))!.Attempt);
        // Consuming again is refused and queues nothing more (the check is unique by payment hash).
        Assert.False(await h.ConsumeAsync(deposit));
        Assert.Equal(JobState.Completed, (await h.Cluster.Store.FindJobAsync(UnfiledDepositJob.JobType, deposit.Hash.ToHex(), Ct))!.State);
    }

    [Fact]
    public async Task A_deposit_filed_within_the_grace_period_is_never_refunded_by_the_check()
    {
        await using var h = await Harness.StartAsync();
        var deposit = await h.PaidDepositAsync();
        Assert.True(await h.ConsumeAsync(deposit));
        await h.FileAsync(deposit);

        h.Clock.Advance(Grace + TimeSpan.FromSeconds(1));
        await h.WaitForJobAsync(UnfiledDepositJob.JobType, deposit);

        var state = await h.Submission(deposit).GetAsync();
        Assert.NotNull(state.Received);
        Assert.Null(state.Refused);
        Assert.Equal(DepositStatus.Held, state.Deposit);
        Assert.Null(await h.Cluster.Store.FindJobAsync(PaymentJobTypes.CancelDeposit, deposit.Hash.ToHex(), Ct));
        Assert.Equal(InvoiceState.Accepted, (await h.Network.Coordinator.LookupInvoiceAsync(deposit.Hash, Ct))!.State);
    }

    [Fact]
    public async Task An_upload_filed_after_its_deposit_was_refunded_is_not_filed_and_the_refund_stands()
    {
        await using var h = await Harness.StartAsync();
        var deposit = await h.PaidDepositAsync();
        Assert.True(await h.ConsumeAsync(deposit));
        h.Clock.Advance(Grace + TimeSpan.FromSeconds(1));
        await h.WaitForDepositAsync(deposit);

        var late = await h.FileAsync(deposit);

        Assert.Null(late.Received);
        Assert.NotNull(late.Refused);
        Assert.Empty((await h.Cluster.GrainFactory(0).GetGrain<IRoundGrain>(1).GetAsync()).Submissions);
        Assert.Null(await h.Cluster.Store.FindJobAsync(TrainingJobTypes.ValidateSubmission, deposit.Hash.ToHex(), Ct));
        Assert.Equal(1, (await h.Cluster.Store.FindJobAsync(PaymentJobTypes.CancelDeposit, deposit.Hash.ToHex(), Ct))!.Attempt);
    }

    [Fact]
    public async Task A_dead_training_validation_is_settled_by_the_sweep_as_validator_error_and_its_deposit_refunded()
    {
        await using var h = await Harness.StartAsync();
        var deposit = await h.PaidDepositAsync();
        await h.FileAsync(deposit);
        var now = h.Clock.GetUtcNow();
        var claimed = Assert.Single(await h.Cluster.Store.ClaimJobsAsync(new JobClaim("gone", [TrainingJobTypes.ValidateSubmission], 1, now, now.AddMinutes(1)), Ct));
        Assert.True(await h.Cluster.Store.FailJobAsync(claimed.Id, "gone", "lease of worker gone expired", retryAt: null, now, Ct));
        var owners = new DeadJobOwners().Add(TrainingJobTypes.ValidateSubmission, TrainingValidatorError.DecideFromPayloadAsync);

        Assert.Equal(1, await SweepDeadJobsHandler.SweepAsync(h.Cluster.Store, owners, h.Cluster.GrainFactory(0), NullLogger.Instance, Ct));
        Assert.Equal(0, await SweepDeadJobsHandler.SweepAsync(h.Cluster.Store, owners, h.Cluster.GrainFactory(0), NullLogger.Instance, Ct));
        var state = await h.WaitForDepositAsync(deposit);

        Assert.Equal(VerdictReason.ValidatorError, state.Verdict!.Reason);
        Assert.Equal(DepositStatus.Refunded, state.Deposit);
        Assert.Equal(InvoiceState.Canceled, (await h.Network.Coordinator.LookupInvoiceAsync(deposit.Hash, Ct))!.State);
        // The round no longer waits for this submission before it can aggregate.
        Assert.Equal(0, (await h.Cluster.GrainFactory(0).GetGrain<IRoundGrain>(1).GetAsync()).Pending);
    }

    private sealed record PaidDeposit(PaymentHash Hash, string TokenHex);

    /// <summary>One silo on the in-memory store with a fake clock, simnet, the training and payment grains and the settler jobs.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly Dictionary<string, Preimage> preimages = [];
        private GrainHoldTokenRegistry registry = null!;

        public FakeTimeProvider Clock { get; } = new();
        public TestCluster Cluster { get; private set; } = null!;
        public SimnetNetwork Network { get; private set; } = null!;
        public SimnetNode Payer { get; private set; } = null!;

        public static async Task<Harness> StartAsync()
        {
            var h = new Harness();
            h.Network = new SimnetNetwork(new SimnetOptions(), h.Clock);
            h.Payer = h.Network.CreateFundedNode("payer", new Sats(100_000));
            var services = new ServiceCollection()
                .AddSingleton<ILightningNode>(h.Network.Coordinator)
                .AddSingleton<IDepositPreimages>(new TestPreimages(h.preimages))
                .AddSingleton(new RewardSchedule())
                .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
                // The gateway's money wiring, as in the silo: deposit.unfiled, deposit.settle/cancel and the rest.
                .AddL402Gateway(RootKeyRing.CreateRandom());
            services.PaymentOwners().Add<ISubmissionGrain>(SubmissionGrain.OwnerKind);
            h.Cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, silo => silo.UseServices(services), h.Clock);
            h.registry = new GrainHoldTokenRegistry(h.Cluster.GrainFactory(0), new UnfiledDepositOptions { Grace = Grace });
            var balance = await h.Network.Coordinator.GetBalanceAsync();
            await h.Cluster.GrainFactory(0).GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync(balance.Local.ToSatsFloor());
            await h.Cluster.GrainFactory(0).GetGrain<IRoundGrain>(1).OpenAsync(0, "checkpoint", h.Clock.GetUtcNow().AddHours(1));
            return h;
        }

        /// <summary>A hold invoice for the deposit, paid by the payer (HTLC accepted); nothing filed yet.</summary>
        public async Task<PaidDeposit> PaidDepositAsync()
        {
            var preimage = Preimage.Random();
            var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            preimages[token] = preimage;
            var invoice = await Network.Coordinator.CreateHoldInvoiceAsync(
                new CreateHoldInvoiceRequest(preimage.Hash, new Sats(Deposit).ToMilliSats(), "deposit", TimeSpan.FromMinutes(10), 144));
            await foreach (var update in Payer.SendPaymentAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30))))
                if (update.Status == PaymentStatus.InFlight) break;
            return new PaidDeposit(preimage.Hash, token);
        }

        /// <summary>What the L402 gate does once the hold invoice is ACCEPTED: consume the token, telling the registry what it paid for.</summary>
        public async Task<bool> ConsumeAsync(PaidDeposit deposit) =>
            await registry.TryConsumeAsync(TokenId.FromHex(deposit.TokenHex), deposit.Hash, GradientCaveats, new Sats(Deposit));

        /// <summary>What the gradient upload does once its body is read: file the submission.</summary>
        public Task<SubmissionState> FileAsync(PaidDeposit deposit)
        {
            var hash = deposit.Hash.ToHex();
            return Submission(deposit).CreateAsync(new NewSubmission("payer", 1, 0, "blob", hash, 10, deposit.Hash, deposit.TokenHex, new Sats(Deposit)));
        }

        public ISubmissionGrain Submission(PaidDeposit deposit) => Cluster.GrainFactory(0).GetGrain<ISubmissionGrain>(deposit.Hash.ToHex());

        /// <summary>Waits, woken by job outcomes (not a sleep), until the deposit job finished.</summary>
        public async Task<SubmissionState> WaitForDepositAsync(PaidDeposit deposit)
        {
            SubmissionState state = new();
            await WaitAsync(async () => (state = await Submission(deposit).GetAsync()).DepositResolvedAt is not null);
            return state;
        }

        /// <summary>Waits until the job of <paramref name="type"/> for the deposit has completed.</summary>
        public Task WaitForJobAsync(string type, PaidDeposit deposit) =>
            WaitAsync(async () => (await Cluster.Store.FindJobAsync(type, deposit.Hash.ToHex()))?.State == JobState.Completed);

        private Task WaitAsync(Func<Task<bool>> condition) => Cluster.WaitUntilAsync(condition, TimeSpan.FromSeconds(30), "the deposit's job");

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
}
