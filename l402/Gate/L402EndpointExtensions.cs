using L402Train.L402.Tokens;
using L402Train.Lightning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace L402Train.L402.Gate;

/// <summary>Makes minimal-API endpoints require an L402 payment.</summary>
public static class L402EndpointExtensions
{
    /// <summary>
    /// Requires payment of <paramref name="price"/> for <paramref name="capability"/>, e.g.
    /// <c>app.MapGet("/checkpoint", …).RequireL402(ctx => new Sats(10), "checkpoint", scope: ctx => [("round", "7")])</c>.
    /// </summary>
    public static TBuilder RequireL402<TBuilder>(
        this TBuilder builder,
        Func<HttpContext, Sats> price,
        string capability,
        L402Mode mode = L402Mode.Standard,
        Func<HttpContext, IEnumerable<(string Key, string Value)>>? scope = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(price);
        return builder.RequireL402(new L402Requirement(ctx => ValueTask.FromResult(price(ctx)), capability, mode, scope));
    }

    /// <summary>Requires a fixed price.</summary>
    public static TBuilder RequireL402<TBuilder>(
        this TBuilder builder,
        Sats price,
        string capability,
        L402Mode mode = L402Mode.Standard,
        Func<HttpContext, IEnumerable<(string Key, string Value)>>? scope = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireL402(_ => price, capability, mode, scope);

    /// <summary>Requires payment as <paramref name="requirement"/> says (price may be computed asynchronously).</summary>
    public static TBuilder RequireL402<TBuilder>(this TBuilder builder, L402Requirement requirement)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(requirement);
        ArgumentException.ThrowIfNullOrEmpty(requirement.Capability);
        builder.WithMetadata(requirement);
        return builder.AddEndpointFilter(new L402EndpointFilter(requirement));
    }

    /// <summary>The token the gate accepted for this request; null on an endpoint without L402.</summary>
    public static L402VerifiedToken? GetL402Token(this HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return httpContext.Features.Get<L402VerifiedToken>();
    }

    /// <summary>
    /// Registers the gate. Needs an <see cref="ILightningNode"/> (the coordinator's) registered
    /// separately. Registers in-memory revocation and hold-token registries unless others are
    /// registered; several gateway replicas need the durable (grain-backed) ones.
    /// </summary>
    public static IServiceCollection AddL402Gate(this IServiceCollection services, RootKeyRing keys, Action<L402GateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(keys);
        var options = new L402GateOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenRevocationList, InMemoryTokenRevocationList>();
        services.TryAddSingleton<IHoldTokenRegistry, InMemoryHoldTokenRegistry>();
        services.AddSingleton(keys);
        services.AddSingleton(options);
        services.AddSingleton(sp => new L402Gate(
            sp.GetRequiredService<ILightningNode>(),
            keys,
            options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ITokenRevocationList>(),
            sp.GetRequiredService<IHoldTokenRegistry>(),
            observers: sp.GetServices<IL402ChallengeObserver>()));
        return services;
    }
}
