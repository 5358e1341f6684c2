using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Grains.Retention;

/// <summary>Wires the retention job (<see cref="RetentionJob.Type"/>): shared by the silo and the tests.</summary>
public static class RetentionServices
{
    /// <summary>
    /// Registers <paramref name="options"/> (validated), the sweep of unfunded bounties, and on a settler the
    /// retention job's handler. Further <see cref="IRetentionSweep"/>s may be registered by the host.
    /// </summary>
    public static IServiceCollection AddRetention(this IServiceCollection services, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options.Validate());
        // Anyone may post a bounty and never fund it: forget those too. (Sweeps get the silo's grains per run:
        // the handler is built while the silo is, so nothing here may depend on the silo.)
        services.AddSingleton<IRetentionSweep>(sp => new Bounties.Catalog.UnfundedBountySweep(sp.GetRequiredService<IGrainStore>()));
        services.AddJobs((jobs, sp) =>
        {
            if (sp.Plays(SiloRoles.Settler))
                jobs.AddJobHandler(RetentionJob.Type, s => ActivatorUtilities.CreateInstance<RetentionJobHandler>(s));
        });
        return services;
    }
}
