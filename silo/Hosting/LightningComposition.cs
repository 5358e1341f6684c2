using L402Train.Lightning;
using L402Train.Lightning.Backend;
using L402Train.Lightning.Facade;
using L402Train.Lightning.Simnet;

namespace L402Train.Silo.Hosting;

/// <summary>Registers the coordinator's Lightning node (simnet or LND) and, on simnet, the LND-compatible facade.</summary>
public static class LightningComposition
{
    /// <summary>Reads <c>--lightning</c>, <c>--lnd-macaroon</c>, <c>--lnd-cert</c>; a wrong one stops start-up naming it.</summary>
    public static LightningBackendOptions Parse(string? lightning, string? macaroonPath, string? certPath)
    {
        try
        {
            return LightningBackendOptions.Parse(lightning, macaroonPath, certPath);
        }
        catch (ArgumentException ex)
        {
            throw new SiloSettingException("lightning", ex.Message);
        }
    }

    /// <summary>Registers <see cref="ILightningNode"/> (and the <see cref="SimnetNetwork"/> on simnet, durable in the data directory).</summary>
    public static WebApplicationBuilder AddLightning(this WebApplicationBuilder builder, LightningBackendOptions options, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var resolved = options.Kind == LightningBackendKind.Simnet && options.SimnetDatabasePath is null
            ? options with { SimnetDatabasePath = Path.Combine(dataDir, "simnet.db") }
            : options;
        builder.Services.AddSingleton(sp => LightningBackend.Create(resolved, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<LightningBackend>().Node);
        if (resolved.Kind == LightningBackendKind.Simnet)
            builder.Services.AddSingleton(sp => sp.GetRequiredService<LightningBackend>().Network!);
        return builder;
    }

    /// <summary>Maps <c>/simnet/{node}/…</c> (and the development-only node admin route) when simnet is the backend.</summary>
    public static WebApplication MapLightning(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<LightningBackend>().Network is { } network)
            app.MapSimnetFacade(network, enableAdmin: true);
        return app;
    }
}
