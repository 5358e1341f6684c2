using L402Train.Protocol.Research;

namespace L402Train.PeerAgent.Research;

/// <summary>A hold deposit the moment it is locked, before the worker has answered: what the loop must remember to never pay for this run twice.</summary>
/// <param name="PaymentHash">The hold invoice's payment hash (hex).</param>
/// <param name="Invoice">The BOLT11 invoice paid.</param>
/// <param name="AmountSats">The invoice's amount.</param>
public sealed record LockedDeposit(string PaymentHash, string Invoice, long AmountSats);

/// <summary>Where a hold deposit stands.</summary>
public enum DepositState
{
    /// <summary>Locked: neither settled nor cancelled yet.</summary>
    Held,

    /// <summary>Settled by the worker: paid, the preimage known.</summary>
    Settled,

    /// <summary>Cancelled (or never locked): nothing paid.</summary>
    Refunded,
}

/// <summary>A deposit's state and, once settled, its preimage (hex).</summary>
public sealed record DepositStatus(DepositState State, string? Preimage);

/// <summary>
/// The outside world of the research loop: the index, the workers' paid endpoints and the wallet.
/// <c>HttpWorkerMarket</c> is the real one; tests of the state machine give their own.
/// Methods throw <see cref="WorkerFailedException"/> when a worker fails to deliver and
/// <see cref="ResearchException"/> when the loop cannot go on.
/// </summary>
public interface IWorkerMarket
{
    /// <summary>The workers the index lists whose registrations verify.</summary>
    Task<IReadOnlyList<WorkerCandidate>> DiscoverAsync(CancellationToken cancellationToken);

    /// <summary>Asks <paramref name="worker"/> for <paramref name="request"/>'s price without paying.</summary>
    Task<WorkerQuote> ProbeAsync(WorkerCandidate worker, ExperimentRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Pays the quoted worker's hold invoice (refusing one that is not the probed price) and submits
    /// <paramref name="request"/>; <paramref name="locked"/> runs once the deposit is locked and before the
    /// request is sent with it, so the caller can save it first.
    /// </summary>
    Task<ExperimentAccepted> SubmitAsync(WorkerQuote quote, ExperimentRequest request, Func<LockedDeposit, Task> locked, CancellationToken cancellationToken);

    /// <summary>Finds the experiment a deposit paid for when the worker's answer was lost; null when the worker never took it.</summary>
    Task<ExperimentAccepted?> RecoverAsync(Uri endpoint, LockedDeposit deposit, CancellationToken cancellationToken);

    /// <summary>Long-polls the experiment until it is delivered (<c>completed</c> or <c>failed</c>) or abandoned.</summary>
    Task<ExperimentView> WaitAsync(Uri endpoint, string experimentId, CancellationToken cancellationToken);

    /// <summary>Where the deposit stands now, without waiting.</summary>
    Task<DepositStatus> DepositAsync(string paymentHash, CancellationToken cancellationToken);

    /// <summary>Waits for the deposit to resolve: the preimage (hex) once the worker settled, null when it was cancelled (refunded).</summary>
    Task<string?> PreimageAsync(string paymentHash, CancellationToken cancellationToken);
}
