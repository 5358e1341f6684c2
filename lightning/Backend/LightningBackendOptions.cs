namespace L402Train.Lightning.Backend;

/// <summary>Which Lightning backend the silo uses.</summary>
public enum LightningBackendKind
{
    /// <summary>The embedded simnet (default).</summary>
    Simnet,
    /// <summary>An LND node over its REST API.</summary>
    Lnd,
}

/// <summary>
/// The backend chosen on the command line: <c>--lightning simnet</c> (default) or
/// <c>--lightning lnd:&lt;rest url&gt;</c> with <c>--lnd-macaroon &lt;path&gt;</c> and <c>--lnd-cert &lt;path&gt;</c>.
/// <see cref="Parse"/> refuses a bad combination with a message naming the setting and the fix.
/// </summary>
public sealed record LightningBackendOptions
{
    /// <summary>The setting names as the CLI spells them (used in error messages).</summary>
    public const string LightningSetting = "--lightning", MacaroonSetting = "--lnd-macaroon", CertSetting = "--lnd-cert";

    /// <summary>Simnet or LND.</summary>
    public LightningBackendKind Kind { get; init; } = LightningBackendKind.Simnet;

    /// <summary>LND's REST base URL (LND only).</summary>
    public Uri? LndRestUri { get; init; }

    /// <summary>Path of the macaroon file (LND only).</summary>
    public string? LndMacaroonPath { get; init; }

    /// <summary>Path of LND's tls.cert to pin (LND over https only).</summary>
    public string? LndCertPath { get; init; }

    /// <summary>The simnet SQLite file (simnet only); null keeps the network in memory.</summary>
    public string? SimnetDatabasePath { get; init; }

    /// <summary>Parses and checks the settings; files must exist. Throws <see cref="ArgumentException"/> naming the setting.</summary>
    public static LightningBackendOptions Parse(string? lightning, string? macaroonPath = null, string? certPath = null, string? simnetDatabasePath = null)
    {
        var value = string.IsNullOrWhiteSpace(lightning) ? "simnet" : lightning.Trim();
        if (value.Equals("simnet", StringComparison.OrdinalIgnoreCase))
        {
            if (macaroonPath is not null || certPath is not null)
                throw new ArgumentException($"{MacaroonSetting} and {CertSetting} only apply to {LightningSetting} lnd:<rest url>; remove them or choose LND.");
            return new LightningBackendOptions { Kind = LightningBackendKind.Simnet, SimnetDatabasePath = simnetDatabasePath };
        }
        if (!value.StartsWith("lnd:", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{LightningSetting} must be 'simnet' or 'lnd:<rest url>' (e.g. lnd:https://localhost:8080), not '{value}'.");
        var url = value[4..];
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw new ArgumentException($"{LightningSetting} lnd:<rest url> needs an absolute http(s) URL such as lnd:https://localhost:8080, not '{url}'.");
        if (string.IsNullOrWhiteSpace(macaroonPath))
            throw new ArgumentException($"{LightningSetting} lnd:… needs {MacaroonSetting} <path> (e.g. ~/.lnd/data/chain/bitcoin/mainnet/admin.macaroon).");
        if (!File.Exists(macaroonPath)) throw new ArgumentException($"{MacaroonSetting}: no file at '{macaroonPath}'.");
        if (uri.Scheme == "https")
        {
            if (string.IsNullOrWhiteSpace(certPath))
                throw new ArgumentException($"{LightningSetting} with https needs {CertSetting} <path to LND's tls.cert> so the connection is pinned to it.");
            if (!File.Exists(certPath)) throw new ArgumentException($"{CertSetting}: no file at '{certPath}'.");
        }
        else if (certPath is not null)
        {
            throw new ArgumentException($"{CertSetting} is only used with an https {LightningSetting} URL.");
        }
        return new LightningBackendOptions { Kind = LightningBackendKind.Lnd, LndRestUri = uri, LndMacaroonPath = macaroonPath, LndCertPath = certPath };
    }
}
