using L402Train.Lightning;
using L402Train.Lightning.Facade;
using L402Train.Lightning.Lnd;
using L402Train.Lightning.Simnet;

namespace L402Train.Silo.Hosting;

/// <summary>Which Lightning node the coordinator uses.</summary>
/// <param name="Backend"><c>simnet</c> (embedded, durable in the data directory) or <c>lnd</c>.</param>
/// <param name="LndUrl">LND's REST URL (lnd only).</param>
/// <param name="LndMacaroonPath">The admin (or invoice+offchain) macaroon file (lnd only).</param>
/// <param name="LndCertPath">LND's TLS certificate to pin (lnd only).</param>
public sealed record LightningSettings(string Backend, Uri? LndUrl = null, string? LndMacaroonPath = null, string? LndCertPath = null)
{
    /// <summary>The accepted forms of <c>--lightning</c>.</summary>
    public const string Forms = "simnet | lnd:<rest url> (with --lnd-macaroon <path> and --lnd-cert <path>)";

    /// <summary>The embedded default.</summary>
    public static LightningSettings Simnet { get; } = new("simnet");

    /// <summary>Parses <c>--lightning</c> and the LND file options; throws <see cref="SiloSettingException"/> naming the wrong one.</summary>
    public static LightningSettings Parse(string? text, string? macaroonPath, string? certPath)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Equals("simnet", StringComparison.OrdinalIgnoreCase)) return Simnet;
        if (!text.StartsWith("lnd:", StringComparison.OrdinalIgnoreCase))
            throw new SiloSettingException("lightning", $"'{text}' is not a backend; use {Forms}");
        if (!Uri.TryCreate(text[4..], UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            throw new SiloSettingException("lightning", $"'{text[4..]}' is not LND's REST URL; use e.g. lnd:https://127.0.0.1:8080");
        if (string.IsNullOrWhiteSpace(macaroonPath) || !File.Exists(macaroonPath))
            throw new SiloSettingException("lnd-macaroon", $"LND needs a macaroon file; '{macaroonPath}' does not exist (e.g. ~/.lnd/data/chain/bitcoin/regtest/admin.macaroon)");
        if (url.Scheme == "https" && (string.IsNullOrWhiteSpace(certPath) || !File.Exists(certPath)))
            throw new SiloSettingException("lnd-cert", $"LND over https needs its tls.cert to pin; '{certPath}' does not exist");
        return new LightningSettings("lnd", url, macaroonPath, certPath);
    }
}

/// <summary>Registers the coordinator's Lightning node and, on simnet, the LND-compatible facade.</summary>
public static class LightningComposition
{
    /// <summary>Registers <see cref="ILightningNode"/> (and the <see cref="SimnetNetwork"/> on simnet).</summary>
    public static WebApplicationBuilder AddLightning(this WebApplicationBuilder builder, LightningSettings settings, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        builder.Services.AddSingleton(settings);
        if (settings.Backend == "simnet")
        {
            builder.Services.AddSingleton(sp => new SimnetNetwork(
                new SimnetOptions { DatabasePath = Path.Combine(dataDir, "simnet.db") },
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SimnetNetwork>>()));
            builder.Services.AddSingleton<ILightningNode>(sp => sp.GetRequiredService<SimnetNetwork>().Coordinator);
        }
        else
        {
            builder.Services.AddSingleton<ILightningNode>(sp => new LndRestClient(
                new LndRestOptions(settings.LndUrl!, LndRestOptions.ReadMacaroonHex(settings.LndMacaroonPath!), settings.LndCertPath),
                sp.GetRequiredService<TimeProvider>()));
        }
        return builder;
    }

    /// <summary>Maps <c>/simnet/{node}/…</c> (and the development-only node admin route) when simnet is the backend.</summary>
    public static WebApplication MapLightning(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<LightningSettings>().Backend == "simnet")
            app.MapSimnetFacade(app.Services.GetRequiredService<SimnetNetwork>(), enableAdmin: true);
        return app;
    }
}
