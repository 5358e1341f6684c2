using L402Train.Protocol.Research;

namespace L402Train.PeerAgent.Research;

/// <summary>A market of one worker (<c>research submit</c>: the endpoint given, no index); everything else is <paramref name="inner"/>'s.</summary>
public sealed class SingleWorkerMarket(IWorkerMarket inner, WorkerCandidate worker) : IWorkerMarket
{
    /// <inheritdoc />
    public Task<IReadOnlyList<WorkerCandidate>> DiscoverAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<WorkerCandidate>>([worker]);

    /// <inheritdoc />
    public Task<WorkerQuote> ProbeAsync(WorkerCandidate candidate, ExperimentRequest request, CancellationToken cancellationToken) => inner.ProbeAsync(candidate, request, cancellationToken);

    /// <inheritdoc />
    public Task<ExperimentAccepted> SubmitAsync(WorkerQuote quote, ExperimentRequest request, Func<LockedDeposit, Task> locked, CancellationToken cancellationToken) =>
        inner.SubmitAsync(quote, request, locked, cancellationToken);

    /// <inheritdoc />
    public Task<ExperimentAccepted?> RecoverAsync(Uri endpoint, LockedDeposit deposit, CancellationToken cancellationToken) =>
        inner.RecoverAsync(endpoint, deposit, cancellationToken);

    /// <inheritdoc />
    public Task<ExperimentView> WaitAsync(Uri endpoint, string experimentId, CancellationToken cancellationToken) => inner.WaitAsync(endpoint, experimentId, cancellationToken);

    /// <inheritdoc />
    public Task<DepositStatus> DepositAsync(string paymentHash, CancellationToken cancellationToken) => inner.DepositAsync(paymentHash, cancellationToken);

    /// <inheritdoc />
    public Task<string?> PreimageAsync(string paymentHash, CancellationToken cancellationToken) => inner.PreimageAsync(paymentHash, cancellationToken);
}
