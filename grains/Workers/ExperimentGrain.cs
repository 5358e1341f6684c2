using L402Train.Lightning;
using L402Train.Grains.Payments;
using L402Train.Runtime;

namespace L402Train.Grains.Workers;

/// <summary>One paid experiment on a worker, keyed by its hold invoice's payment hash (hex).</summary>
[Alias("l402.IExperimentGrain")]
public interface IExperimentGrain : IDepositOwner
{
    /// <summary>Files a paid experiment and queues its run; filing again returns what was filed first.</summary>
    Task<ExperimentState> FileAsync(ExperimentFiling filing);

    /// <summary>Refunds a payment whose request filed nothing (refused input, a cut-off request); no-op once filed.</summary>
    Task<ExperimentState> RefuseAsync(string tokenIdHex, Sats priceSat, string reason);

    /// <summary>The experiment.</summary>
    Task<ExperimentState> GetAsync();

    /// <summary>
    /// Called by the run job before it runs: a queued experiment starts; one already running was started by
    /// an attempt that died (the silo crashed or stopped), so it is abandoned and its invoice cancelled.
    /// </summary>
    Task<ExperimentStart> StartAsync();

    /// <summary>Records the delivered result and queues the settle job; no-op unless running.</summary>
    Task<ExperimentState> DeliverAsync(ExperimentOutcome outcome);

    /// <summary>Records that the worker failed to deliver and queues the cancel job; no-op once finished.</summary>
    Task<ExperimentState> AbandonAsync(string reason);
}

/// <inheritdoc cref="IExperimentGrain"/>
[GrainType("experiment")]
public sealed class ExperimentGrain([PersistentState("experiment")] IPersistentState<ExperimentState> experiment) : OutboxGrain, IExperimentGrain
{
    /// <summary>Owner kind of experiments in payment jobs.</summary>
    public const string OwnerKind = "experiment";

    private ExperimentState State => experiment.State;

    /// <inheritdoc/>
    public async Task<ExperimentState> FileAsync(ExperimentFiling filing)
    {
        ArgumentNullException.ThrowIfNull(filing);
        if (State.Filing is not null) return State;
        experiment.State = new ExperimentState
        {
            Filing = filing, Stage = ExperimentStage.Queued, SubmittedAt = TimeProvider.GetUtcNow(), Payment = ExperimentPaymentStage.Held,
        };
        EnqueueJob(WorkerJobTypes.Run, GetPrimaryKeyString(), new ExperimentRunJob(PaymentHash.FromHex(GetPrimaryKeyString())));
        await experiment.WriteStateAsync();
        return State;
    }

    /// <inheritdoc/>
    public async Task<ExperimentState> RefuseAsync(string tokenIdHex, Sats priceSat, string reason)
    {
        if (State.Filing is not null) return State;
        var now = TimeProvider.GetUtcNow();
        experiment.State = new ExperimentState
        {
            Filing = new ExperimentFiling("", ExperimentRunKind.Trainer, null, null, null, null, 0, "", tokenIdHex, priceSat, ""),
            Stage = ExperimentStage.Abandoned, SubmittedAt = now, FinishedAt = now,
            Outcome = new ExperimentOutcome(ExperimentStage.Abandoned, null, reason, null, null, null),
            Payment = ExperimentPaymentStage.Cancelling,
        };
        EnqueueJob(Deposit(State.Filing!).ToRequest(forfeit: false));
        await experiment.WriteStateAsync();
        return State;
    }

    /// <inheritdoc/>
    public Task<ExperimentState> GetAsync() => Task.FromResult(State);

    /// <inheritdoc/>
    public async Task<ExperimentStart> StartAsync()
    {
        switch (State.Stage)
        {
            case ExperimentStage.Queued when State.Filing is not null:
                experiment.State = State with { Stage = ExperimentStage.Running, StartedAt = TimeProvider.GetUtcNow() };
                await experiment.WriteStateAsync();
                return ExperimentStart.Run;
            case ExperimentStage.Running:
                await AbandonAsync("the worker stopped or crashed during the run and did not deliver a result; the payment is refunded");
                return ExperimentStart.Abandoned;
            default:
                return ExperimentStart.Finished;
        }
    }

    /// <inheritdoc/>
    public async Task<ExperimentState> DeliverAsync(ExperimentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Stage is not (ExperimentStage.Completed or ExperimentStage.Failed))
            throw new ArgumentException("A delivered outcome is completed or failed.", nameof(outcome));
        if (State.Stage != ExperimentStage.Running) return State;
        experiment.State = State with
        {
            Stage = outcome.Stage, Outcome = outcome, FinishedAt = TimeProvider.GetUtcNow(), Payment = ExperimentPaymentStage.Settling,
        };
        // The result and the settle job commit together: a delivered result is paid exactly once.
        EnqueueJob(Deposit(State.Filing!).ToRequest(forfeit: true));
        await experiment.WriteStateAsync();
        // Totals for the registration and the board; a display figure, counted after the delivery is durable.
        await GrainFactory.GetGrain<IWorkerStatsGrain>(IWorkerStatsGrain.Key).RecordAsync(State.Filing!, outcome);
        return State;
    }

    /// <inheritdoc/>
    public async Task<ExperimentState> AbandonAsync(string reason)
    {
        if (State.Filing is null || State.Finished) return State;
        experiment.State = State with
        {
            Stage = ExperimentStage.Abandoned, FinishedAt = TimeProvider.GetUtcNow(), Payment = ExperimentPaymentStage.Cancelling,
            Outcome = new ExperimentOutcome(ExperimentStage.Abandoned, null, reason, null, null, null),
        };
        EnqueueJob(Deposit(State.Filing!).ToRequest(forfeit: false));
        await experiment.WriteStateAsync();
        await GrainFactory.GetGrain<IWorkerStatsGrain>(IWorkerStatsGrain.Key).RecordAsync(State.Filing!, State.Outcome!);
        return State;
    }

    /// <inheritdoc/>
    public async Task DepositResolvedAsync(PaymentHash paymentHash, DepositResolution resolution)
    {
        var payment = resolution == DepositResolution.Forfeited ? ExperimentPaymentStage.Settled : ExperimentPaymentStage.Cancelled;
        if (State.Payment == payment) return;
        experiment.State = State with { Payment = payment };
        await experiment.WriteStateAsync();
    }

    private DepositJob Deposit(ExperimentFiling filing) =>
        new(PaymentHash.FromHex(GetPrimaryKeyString()), filing.TokenIdHex, InvoicePurpose.ExperimentPayment, filing.PriceSat, OwnerKind, GetPrimaryKeyString());
}
