using L402Train.Grains.Payments;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Grains.Workers;

/// <summary>Wires the paid-worker track's grains and job: shared by the silo and the worker tests.</summary>
public static class WorkerServices
{
    /// <summary>
    /// Registers <paramref name="options"/>, the money wiring with the experiments as deposit owners, and on a
    /// worker the handler of <see cref="WorkerJobTypes.Run"/> (in the <see cref="JobLanes.Experiments"/> lane).
    /// The host provides the <see cref="IExperimentRunner"/>.
    /// </summary>
    public static IServiceCollection AddWorkers(this IServiceCollection services, WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.PaymentOwners().AddDepositOwner<IExperimentGrain>(ExperimentGrain.OwnerKind);
        services.AddSingleton(options);
        services.AddJobs((jobs, sp) =>
        {
            if (!sp.Plays(SiloRoles.Worker)) return;
            jobs.Jobs.Lanes[WorkerJobTypes.Run] = JobLanes.Experiments;
            jobs.AddJobHandler(WorkerJobTypes.Run, s => ActivatorUtilities.CreateInstance<RunExperimentHandler>(s));
        });
        return services;
    }
}
