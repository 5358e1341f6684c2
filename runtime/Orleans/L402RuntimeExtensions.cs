using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Providers;
using Orleans.Runtime.Hosting;

namespace L402Train.Runtime;

/// <summary>Adds our runtime pieces to an Orleans silo.</summary>
public static class L402RuntimeExtensions
{
    /// <summary>
    /// Adds the outbox storage (the default grain storage, over the silo's <see cref="IGrainStore"/>,
    /// which the caller registers), the outbox call filter, the <see cref="JobQueue"/> and the job
    /// workers (<see cref="JobWorkerParticipant"/>, running the handlers that <see cref="AddJobs"/> registered).
    /// </summary>
    public static ISiloBuilder AddL402Runtime(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => GrainKeys.Scan(typeof(L402RuntimeExtensions).Assembly));
        services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => new OutboxGrainStorage(
            sp.GetRequiredService<IGrainStore>(), sp.GetRequiredService<IGrainContextAccessor>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<GrainKeys>()));
        silo.AddIncomingGrainCallFilter<OutboxCallFilter>();
        services.TryAddSingleton<JobQueue>();
        services.TryAddSingleton(sp => SiloJobs.Build(sp.GetServices<JobsConfigurator>(), sp));
        services.TryAddSingleton<JobWorkerParticipant>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<JobWorkerParticipant>());
        return silo;
    }

    /// <summary>
    /// <see cref="AddL402Runtime(ISiloBuilder)"/> over a store the caller owns (tests share one
    /// store between silos): the silo never disposes it.
    /// </summary>
    public static ISiloBuilder AddL402Runtime(this ISiloBuilder silo, IGrainStore sharedStore)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton(sharedStore);
        return silo.AddL402Runtime();
    }

    /// <summary>Registers a configurator of the silo's job handlers and worker settings (run once, when the silo's jobs are first needed).</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, JobsConfigurator configure) =>
        services.AddSingleton(configure);
}
