using L402Train.Grains.Payments;
using L402Train.L402.Gate;
using L402Train.L402.Tokens;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace L402Train.Gateway.L402;

/// <summary>
/// Wires the L402 gateway every track sells through: the gate with durable hold tokens, the deposit
/// preimages derived from the server secret, what counts as a standard fee, and the jobs of the
/// gate's money (refunds of deposits no request filed, the fee sweep). Shared by the silo, the test
/// harnesses and the benches.
/// </summary>
public static class L402GatewayServices
{
    /// <summary>
    /// Registers the L402 gate signed by <paramref name="keys"/> (hold tokens consumable once across silos),
    /// <see cref="IDepositPreimages"/> from the same keys (unless the host registered its own), <see cref="StandardFeeInvoices"/>, the money wiring
    /// (<see cref="PaymentServices.AddPayments"/>), and the handlers of <see cref="UnfiledDepositJob.JobType"/>
    /// (settler, or a worker without one) and <see cref="FeeSweepHandler.JobType"/> (settler). A host may register
    /// <see cref="UnfiledDepositOptions"/> and <see cref="FeeSweepOptions"/> first; otherwise they take their defaults.
    /// </summary>
    public static IServiceCollection AddL402Gateway(this IServiceCollection services, RootKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(keys);
        services.AddPayments();
        services.TryAddSingleton(new UnfiledDepositOptions());
        services.TryAddSingleton(new FeeSweepOptions());
        services.AddSingleton<IHoldTokenRegistry, GrainHoldTokenRegistry>();
        services.AddL402Gate(keys);
        // A harness that knows its deposits' preimages registers its own first.
        services.TryAddSingleton<IDepositPreimages>(new KeyRingDepositPreimages(keys));
        // What the fee sweep and the ledger check count as a fee: read from each invoice's memo, no row per challenge.
        services.AddSingleton(sp => GatewayFees.For(sp.GetRequiredService<L402GateOptions>()));
        services.AddJobs((jobs, sp) =>
        {
            var settler = sp.Plays(SiloRoles.Settler);
            if (settler || sp.Plays(SiloRoles.Worker)) jobs.AddJobHandler(UnfiledDepositJob.JobType, new RefundUnfiledDepositHandler());
            if (settler) jobs.AddJobHandler(FeeSweepHandler.JobType, s => ActivatorUtilities.CreateInstance<FeeSweepHandler>(s));
        });
        return services;
    }
}
