using L402Train.Runtime;

namespace L402Train.Grains.Training;

/// <summary>
/// Completes the per-challenge fee checks (<see cref="TrainingJobTypes.CheckCheckpointFee"/>) that
/// databases from before the fee sweep still hold, without doing anything: the sweep records those
/// fees from the node's invoice list, and a row of this type is no longer written.
/// </summary>
internal sealed class RetiredFeeCheckHandler : IJobHandler
{
    /// <inheritdoc/>
    public Task HandleAsync(JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
}
