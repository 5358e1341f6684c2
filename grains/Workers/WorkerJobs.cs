using L402Train.Lightning;

namespace L402Train.Grains.Workers;

/// <summary>Job types of the worker role.</summary>
internal static class WorkerJobTypes
{
    /// <summary>Run a filed experiment and deliver its result (unique by payment hash).</summary>
    public const string Run = "experiment.run";
}

/// <summary>Payload of <see cref="WorkerJobTypes.Run"/>.</summary>
/// <param name="PaymentHash">The experiment grain's key.</param>
internal sealed record ExperimentRunJob(PaymentHash PaymentHash);
