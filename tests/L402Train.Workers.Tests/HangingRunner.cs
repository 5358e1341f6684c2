using L402Train.Grains.Workers;

namespace L402Train.Workers.Tests;

/// <summary>
/// A run that signals it began, then never finishes on its own: it ends only when the worker cancels it (a silo
/// stopping or dying), so a test can kill a worker while a run is really in progress.
/// </summary>
internal sealed class HangingRunner : IExperimentRunner
{
    private int calls;

    /// <summary>Completes when the first run begins.</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many runs began.</summary>
    public int Calls => Volatile.Read(ref calls);

    public async Task<ExperimentOutcome> RunAsync(ExperimentFiling filing, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref calls);
        Started.TrySetResult();
        await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
        throw new InvalidOperationException("A hanging run ends only when the worker cancels it.");
    }
}
