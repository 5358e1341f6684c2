using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace L402Train.Grains.Payments;

/// <summary>
/// Wires the money life cycles shared by every track (deposits, rewards, the dead-job sweep): one
/// registry of payment owners and dead-job owners that the tracks add to, and the money job
/// handlers by role. The silo, the test harnesses and the benches call it, so a money handler is
/// registered in one place.
/// </summary>
public static class PaymentServices
{
    /// <summary>
    /// Registers <see cref="PaymentOwners"/>, <see cref="DeadJobOwners"/>, <see cref="DeadJobSweepOptions"/>
    /// and the handlers of <see cref="PaymentJobTypes"/> and <see cref="SweepDeadJobsHandler.JobType"/>:
    /// a settler runs them all; a worker without a settler settles and cancels its own hold invoices.
    /// Calling it again adds nothing. The handlers need an <c>ILightningNode</c> and an
    /// <see cref="IDepositPreimages"/> from the host.
    /// </summary>
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(DeadJobOwners))) return services;
        if (!services.Any(d => d.ServiceType == typeof(PaymentOwners))) services.AddSingleton(new PaymentOwners());
        services.AddSingleton(new DeadJobOwners());
        services.TryAddSingleton(new DeadJobSweepOptions());
        services.AddJobs((jobs, sp) =>
        {
            var settler = sp.Plays(SiloRoles.Settler);
            if (!settler && !sp.Plays(SiloRoles.Worker)) return;
            jobs.AddJobHandler(PaymentJobTypes.SettleDeposit, s => ActivatorUtilities.CreateInstance<SettleDepositHandler>(s))
                .AddJobHandler(PaymentJobTypes.CancelDeposit, s => ActivatorUtilities.CreateInstance<CancelDepositHandler>(s));
            if (!settler) return;
            jobs.AddJobHandler(PaymentJobTypes.PayReward, s => ActivatorUtilities.CreateInstance<PayRewardHandler>(s))
                .AddJobHandler(SweepDeadJobsHandler.JobType, s => ActivatorUtilities.CreateInstance<SweepDeadJobsHandler>(s));
        });
        return services;
    }

    /// <summary>The registry of payment owners the tracks add their grains to (registered by <see cref="AddPayments"/>).</summary>
    public static PaymentOwners PaymentOwners(this IServiceCollection services) => Instance<PaymentOwners>(services.AddPayments());

    /// <summary>The job types whose dead jobs hold money, which the tracks add to (registered by <see cref="AddPayments"/>).</summary>
    public static DeadJobOwners DeadJobOwners(this IServiceCollection services) => Instance<DeadJobOwners>(services.AddPayments());

    private static T Instance<T>(IServiceCollection services) where T : class =>
        services.Last(d => d.ServiceType == typeof(T)).ImplementationInstance as T
        ?? throw new InvalidOperationException($"{typeof(T).Name} must be registered as an instance: the tracks add to it while services are registered.");
}
