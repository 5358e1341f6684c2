using L402Train.Lightning;
using L402Train.Lightning.Backend;
using L402Train.Lightning.Facade;
using L402Train.Lightning.Simnet;
using L402Train.Runtime.Simnet;

namespace L402Train.Silo.Hosting;

/// <summary>Registers the coordinator's Lightning node (simnet or LND) and, on simnet, the LND-compatible facade.</summary>
internal static class LightningComposition
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

    /// <summary>Reads <c>--simnet-faucet</c> and <c>--simnet-faucet-max-sat</c>; a wrong one stops start-up naming it.</summary>
    public static (bool Enabled, long MaxPerNodeSat) ParseFaucet(string? enabled, string? maxSat, LightningBackendOptions lightning)
    {
        ArgumentNullException.ThrowIfNull(lightning);
        var on = false;
        if (enabled is { Length: > 0 } && !bool.TryParse(enabled, out on))
            throw new SiloSettingException("simnet-faucet", $"'{enabled}' is not true or false");
        var max = SimnetFaucetOptions.DefaultMaxPerNodeSat;
        if (maxSat is { Length: > 0 } && (!long.TryParse(maxSat, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out max) || !BitcoinSupply.IsValidSats(max)))
            throw new SiloSettingException("simnet-faucet-max-sat", $"'{maxSat}' is not a whole number of sats from 0 to 21,000,000 BTC ({BitcoinSupply.MaxSats.Value})");
        if (on && lightning.Kind != LightningBackendKind.Simnet)
            throw new SiloSettingException("simnet-faucet", "the faucet mints simnet money and exists only with --lightning simnet; leave it off on LND");
        return (on, max);
    }

    /// <summary>Registers <see cref="ILightningNode"/> (and the <see cref="SimnetNetwork"/> on simnet, durable in the data directory).</summary>
    public static WebApplicationBuilder AddLightning(this WebApplicationBuilder builder, LightningBackendOptions options, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var resolved = options.Kind == LightningBackendKind.Simnet && options.SimnetDatabasePath is null
            ? options with { SimnetDatabasePath = Path.Combine(dataDir, "simnet.db") }
            : options;
        if (resolved.SimnetDatabasePath is { } simnetDb)
        {
            // It holds every simnet node's key and macaroon: whoever reads it drives the coordinator's node.
            SecretFiles.CreateEmptyOnce(simnetDb);
            SecretFiles.RequirePrivate(simnetDb);
        }
        builder.Services.AddSingleton(sp => LightningBackend.Create(resolved, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(),
            path => new SqliteSimnetStore(path)));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<LightningBackend>().Node);
        if (resolved.Kind == LightningBackendKind.Simnet)
        {
            builder.Services.AddSingleton(sp => sp.GetRequiredService<LightningBackend>().Network!);
            builder.Services.AddSingleton<SimnetFaucetLedger>();
        }
        return builder;
    }

    /// <summary>Maps <c>/simnet/{node}/…</c> when simnet is the backend, and the development faucet when <see cref="SiloSettings.SimnetFaucet"/> is on.</summary>
    public static WebApplication MapLightning(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<LightningBackend>().Network is not { } network) return app;
        var settings = app.Services.GetRequiredService<SiloSettings>();
        // The ledger is resolved per grant: resolving it here would build the silo while mapping routes,
        // before start-up checks (e.g. the validator's sandbox) get to report in their own words.
        app.MapSimnetFacade(network, settings.SimnetFaucet
            ? new SimnetFaucetOptions
            {
                MaxPerNode = new Sats(settings.SimnetFaucetMaxSat),
                OnGranted = (_, ct) => app.Services.GetRequiredService<SimnetFaucetLedger>().RecordAsync(inOpening: false, ct),
            }
            : null);
        return app;
    }
}
