namespace L402Train.Grains.Workers;

/// <summary>Runs one filed experiment and says what it delivered.</summary>
/// <remarks>
/// A failure of the experiment's own code is a delivered <see cref="ExperimentStage.Failed"/> outcome, not an
/// exception; an exception means the worker failed (the run job then abandons the experiment and refunds it).
/// </remarks>
public interface IExperimentRunner
{
    /// <summary>Runs <paramref name="filing"/>; cancelled when the worker stops or its deadline passes.</summary>
    Task<ExperimentOutcome> RunAsync(ExperimentFiling filing, CancellationToken cancellationToken);
}

/// <summary>The worker's runner: the built-in trainer or the sandbox, by the experiment's kind.</summary>
public sealed class ExperimentRunner(BuiltInTrainer trainer, SandboxedExperiment sandbox) : IExperimentRunner
{
    /// <inheritdoc/>
    public Task<ExperimentOutcome> RunAsync(ExperimentFiling filing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filing);
        return filing.Kind == ExperimentRunKind.Archive
            ? sandbox.RunAsync(filing, cancellationToken)
            : trainer.RunAsync(filing.Trainer ?? TrainerSettings.Default, cancellationToken);
    }
}
