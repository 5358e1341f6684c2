using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Runtime;

/// <summary>The roles a silo plays, as the shared wiring (<c>AddPayments</c>, <c>AddTraining</c>, ...) asks for them when a silo's jobs are set up.</summary>
public static class SiloRoles
{
    /// <summary>Serves the HTTP API.</summary>
    public const string Gateway = "gateway";

    /// <summary>Runs validations (training submissions, sandboxed bounty evaluations).</summary>
    public const string Validator = "validator";

    /// <summary>Moves money: settles and cancels deposits, pays rewards, closes rounds and bounties, runs the sweeps.</summary>
    public const string Settler = "settler";

    /// <summary>Sells experiments (docs/workers.md).</summary>
    public const string Worker = "worker";

    /// <summary>
    /// Whether the silo whose services these are plays <paramref name="role"/>. A silo without a
    /// <see cref="SiloIdentity"/> (a test cluster's, a bench's) plays every role.
    /// </summary>
    public static bool Plays(this IServiceProvider services, string role)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService<SiloIdentity>() is not { } silo || silo.Roles.Contains(role);
    }
}
