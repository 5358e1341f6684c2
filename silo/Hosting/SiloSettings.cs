using L402Train.Runtime;
using L402Train.Lightning.Backend;

namespace L402Train.Silo.Hosting;

/// <summary>
/// The validated settings of a silo. Each comes from (lowest to highest priority)
/// appsettings.json, an <c>L402TRAIN_*</c> environment variable, or a command-line option.
/// </summary>
internal sealed record SiloSettings(GrainStoreAddress Store, string DataDir, IReadOnlySet<string> Roles, IReadOnlyList<string> Urls, string SiloId)
{
    /// <summary>The coordinator's Lightning backend (default: the embedded simnet).</summary>
    public LightningBackendOptions Lightning { get; init; } = new();

    /// <summary>Map the simnet development faucet <c>POST /simnet/nodes</c> (loopback callers only; <c>--simnet-faucet</c>, on in <c>demo</c>).</summary>
    public bool SimnetFaucet { get; init; }

    /// <summary>The most the faucet grants one node, in sats (<c>--simnet-faucet-max-sat</c>).</summary>
    public long SimnetFaucetMaxSat { get; init; } = L402Train.Lightning.Facade.SimnetFaucetOptions.DefaultMaxPerNodeSat;

    /// <summary>How long completed jobs and expired unfunded bounties are kept (<c>--retention-days</c>, default 30).</summary>
    public Grains.Retention.RetentionOptions Retention { get; init; } = new();

    /// <summary>The bounty track's settings (deposit, price, coordinator fee, gap and significance thresholds).</summary>
    public Grains.Bounties.Catalog.BountyRules Bounties { get; init; } = new();

    /// <summary>Inference prices and limits (<c>--inference-base-sat</c>, <c>--inference-msat-per-token</c>, <c>--inference-max-tokens</c>, <c>--inference-concurrency</c>).</summary>
    public Gateway.Inference.InferenceOptions Inference { get; init; } = new();

    /// <summary>The worker role's settings (<c>--worker-price-sats</c>, <c>--worker-max-steps</c>, <c>--worker-deadline-s</c>, <c>--worker-public-url</c>, <c>--worker-index-url</c>, <c>--worker-name</c>).</summary>
    public Grains.Workers.WorkerOptions Workers { get; init; } = new();

    /// <summary>How often a settler's fee sweep books paid standard fees nobody used (<c>--fee-sweep-interval</c>, default a minute, at least a second).</summary>
    public TimeSpan FeeSweepInterval { get; init; } = DefaultFeeSweepInterval;

    /// <summary>The default <see cref="FeeSweepInterval"/>: a minute.</summary>
    public static readonly TimeSpan DefaultFeeSweepInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a consumed deposit waits for its request to file a submission before it is refunded
    /// (<c>--unfiled-deposit-grace</c>, default 5 minutes, from a second to a day).
    /// </summary>
    public TimeSpan UnfiledDepositGrace { get; init; } = DefaultUnfiledDepositGrace;

    /// <summary>The default <see cref="UnfiledDepositGrace"/>: 5 minutes.</summary>
    public static readonly TimeSpan DefaultUnfiledDepositGrace = TimeSpan.FromMinutes(5);

    /// <summary>The bubblewrap executable a validator evaluates bounty submissions under (<c>--bwrap</c>; default /usr/bin/bwrap).</summary>
    public string BubblewrapPath { get; init; } = DefaultBubblewrapPath;

    /// <summary>
    /// Whether a validator silo also evaluates bounty submissions, which needs the sandbox. On by default;
    /// <c>silo demo</c> turns it off on a host without bubblewrap so the training track still runs.
    /// </summary>
    public bool ValidatesBounties { get; init; } = true;

    /// <summary>Where bubblewrap is looked for when <c>--bwrap</c> is not set (Debian and Ubuntu install it there).</summary>
    public const string DefaultBubblewrapPath = "/usr/bin/bwrap";

    /// <summary>
    /// The port other silos reach this one on (Orleans' silo port); null picks a free one for the
    /// embedded (SQLite/memory) silo and <see cref="DefaultClusterSiloPort"/> on PostgreSQL.
    /// </summary>
    public int? SiloPort { get; init; }

    /// <summary>The silo port of a PostgreSQL cluster's silo when <c>--silo-port</c> is not set (Orleans' own default).</summary>
    public const int DefaultClusterSiloPort = 11111;

    /// <summary>The cluster a PostgreSQL silo joins (Orleans' ClusterId, the membership table's DeploymentId).</summary>
    public string ClusterId { get; init; } = DefaultClusterName;

    /// <summary>The service the cluster runs (Orleans' ServiceId; stays the same across deployments).</summary>
    public string ServiceId { get; init; } = DefaultClusterName;

    /// <summary>Default of <see cref="ClusterId"/> and <see cref="ServiceId"/>.</summary>
    public const string DefaultClusterName = "l402train";

    /// <summary>
    /// The address a PostgreSQL cluster's silo publishes in membership and listens on (<c>--advertise-ip</c>);
    /// null lets Orleans pick this host's address.
    /// </summary>
    public System.Net.IPAddress? AdvertisedAddress { get; init; }

    /// <summary>
    /// The pod this silo runs in when Orleans' Kubernetes hosting is on (<c>--kubernetes</c>,
    /// <c>L402TRAIN_KUBERNETES=true</c>; PostgreSQL stores only); null otherwise.
    /// </summary>
    public KubernetesPod? Kubernetes { get; init; }

    /// <summary>
    /// The server secret's file when it is not <c>l402-secret</c> under <see cref="DataDir"/>
    /// (<c>--secret-file</c>, e.g. a mounted Kubernetes Secret): it must exist, is never written, and is
    /// refused like any secret when group or others may read it. Null keeps (and creates) the data directory's.
    /// </summary>
    public string? ServerSecretFile { get; init; }

    /// <summary>
    /// The admin password of the Orleans Dashboard (user <c>admin</c>, HTTP Basic); null keeps the
    /// dashboard off. Set it in the environment or appsettings.json, not on the command line.
    /// </summary>
    public SecretText? DashboardPassword { get; init; }

    /// <summary>
    /// The tracks this silo runs (<c>--tracks</c>, <c>L402TRAIN_TRACKS</c>; default <see cref="DefaultTracks"/>):
    /// a silo without <c>training</c> has no training routes, grains' jobs or checkpoint; one without
    /// <c>bounties</c> has no bounty routes, jobs or sandbox. Every silo of a cluster should run the same tracks.
    /// </summary>
    public IReadOnlySet<string> Tracks { get; init; } = new HashSet<string>(KnownTracks, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether this silo runs the training track.</summary>
    public bool RunsTraining => Tracks.Contains(TrainingTrack);

    /// <summary>Whether this silo runs the bounty track.</summary>
    public bool RunsBounties => Tracks.Contains(BountiesTrack);

    /// <summary>The training track's name in <see cref="Tracks"/>.</summary>
    public const string TrainingTrack = "training";

    /// <summary>The bounty track's name in <see cref="Tracks"/>.</summary>
    public const string BountiesTrack = "bounties";

    /// <summary>Tracks a silo can run.</summary>
    public static readonly IReadOnlySet<string> KnownTracks = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { TrainingTrack, BountiesTrack };

    /// <summary>Tracks of a silo when none are set: both.</summary>
    public const string DefaultTracks = "training,bounties";

    /// <summary>Roles a silo can play.</summary>
    public static readonly IReadOnlySet<string> KnownRoles = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "gateway", "validator", "settler", "aggregator", "worker" };

    /// <summary>Roles of a silo when none are set: a single silo plays them all.</summary>
    public const string DefaultRoles = "gateway,validator,settler";

    /// <summary>Where <c>--urls</c> points when nothing is set.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8402";

    /// <summary>Prefix of the environment variables (L402TRAIN_STORE, L402TRAIN_DATADIR, L402TRAIN_ROLES, L402TRAIN_TRACKS, L402TRAIN_URLS, L402TRAIN_SILOID).</summary>
    public const string EnvironmentPrefix = "L402TRAIN_";

    /// <summary>Reads and validates the settings; throws <see cref="SiloSettingException"/> naming the first wrong one.</summary>
    public static SiloSettings Load(IReadOnlyDictionary<string, string?> commandLine, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        var config = new ConfigurationBuilder()
            .SetBasePath(workingDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddInMemoryCollection(environment
                .Where(e => e.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                .Select(e => KeyValuePair.Create(e.Key[EnvironmentPrefix.Length..], e.Value)))
            .AddInMemoryCollection(commandLine.Where(c => c.Value is not null))
            .Build();

        var dataDir = Path.GetFullPath(config["DataDir"] is { Length: > 0 } d ? d : "data", workingDirectory);
        var storeText = config["Store"] is { Length: > 0 } s ? s : $"sqlite:{Path.Combine(dataDir, "l402train.db")}";
        if (!GrainStoreAddress.TryParse(storeText, out var store, out var storeError))
            throw new SiloSettingException("store", $"{storeError}; use {GrainStoreAddress.Forms}");
        if (store!.Kind == "sqlite" && !Path.IsPathRooted(store.Target))
            store = store with { Target = Path.GetFullPath(store.Target, workingDirectory) };

        var roles = Split(config["Roles"] ?? DefaultRoles);
        if (roles.Count == 0) throw new SiloSettingException("roles", $"no role given; use a comma-separated list of {string.Join(", ", KnownRoles)}");
        if (roles.FirstOrDefault(r => !KnownRoles.Contains(r)) is { } unknown)
            throw new SiloSettingException("roles", $"'{unknown}' is not a role; use a comma-separated list of {string.Join(", ", KnownRoles)}");

        var tracks = Split(config["Tracks"] ?? DefaultTracks);
        if (tracks.Count == 0) throw new SiloSettingException("tracks", $"no track given; use a comma-separated list of {DefaultTracks}");
        if (tracks.FirstOrDefault(t => !KnownTracks.Contains(t)) is { } unknownTrack)
            throw new SiloSettingException("tracks", $"'{unknownTrack}' is not a track; use a comma-separated list of {DefaultTracks}");

        var urls = Split(config["Urls"] ?? DefaultUrls);
        if (urls.FirstOrDefault(u => !Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) is { } badUrl)
            throw new SiloSettingException("urls", $"'{badUrl}' is not an http(s) URL; use e.g. {DefaultUrls} (several separated by ';' or ',')");

        var kubernetes = KubernetesComposition.Parse(config["Kubernetes"], store.Kind, environment);
        var siloId = kubernetes is not null ? KubernetesComposition.SiloId(kubernetes, config["SiloId"])
            : config["SiloId"] is { Length: > 0 } id ? id : Environment.MachineName.ToLowerInvariant();
        var secretFile = config["SecretFile"] is { Length: > 0 } sf ? Path.GetFullPath(sf, workingDirectory) : null;
        if (secretFile is not null && !File.Exists(secretFile))
            throw new SiloSettingException("secret-file", $"no file at '{secretFile}'; point it at the server secret ('1:<64 hex>', e.g. a mounted Secret) or leave it unset to keep l402-secret under --data-dir");
        int? siloPort = null;
        if (config["SiloPort"] is { Length: > 0 } portText)
        {
            if (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                throw new SiloSettingException("silo-port", $"'{portText}' is not a port; use a number from 1 to 65535");
            siloPort = port;
        }
        var clusterId = ClusterName(config, "ClusterId", "cluster-id");
        var serviceId = ClusterName(config, "ServiceId", "service-id");
        System.Net.IPAddress? advertised = null;
        if (config["AdvertiseIp"] is { Length: > 0 } ipText && !System.Net.IPAddress.TryParse(ipText, out advertised))
            throw new SiloSettingException("advertise-ip", $"'{ipText}' is not an IP address; use the address other silos reach this host on, e.g. 10.0.0.5");
        // A pod publishes its own address: the host's first address may be another interface's.
        advertised ??= kubernetes?.Ip;
        var dashboardPassword = config["DashboardPassword"] is { Length: > 0 } pw ? new SecretText(pw) : null;
        if (dashboardPassword is { Value.Length: < DashboardComposition.MinPasswordLength })
            throw new SiloSettingException("dashboard-password", $"the dashboard's admin password needs at least {DashboardComposition.MinPasswordLength} characters");
        var lightning = LightningComposition.Parse(config["Lightning"], config["LndMacaroon"], config["LndCert"]);
        var bwrap = config["Bwrap"] is { Length: > 0 } b ? Path.GetFullPath(b, workingDirectory) : DefaultBubblewrapPath;
        var (faucet, faucetMax) = LightningComposition.ParseFaucet(config["SimnetFaucet"], config["SimnetFaucetMaxSat"], lightning);
        var feeSweep = SettingReader.Read(config, "FeeSweepInterval", "fee-sweep-interval", DefaultFeeSweepInterval,
            v => v >= TimeSpan.FromSeconds(1) && v <= TimeSpan.FromDays(1), "a time span from 00:00:01 to 1.00:00:00 (a second to a day), e.g. 00:01:00");
        var grace = SettingReader.Read(config, "UnfiledDepositGrace", "unfiled-deposit-grace", DefaultUnfiledDepositGrace,
            v => v >= TimeSpan.FromSeconds(1) && v <= TimeSpan.FromDays(1), "a time span from 00:00:01 to 1.00:00:00 (a second to a day), e.g. 00:05:00");
        return new SiloSettings(store, dataDir, roles.ToHashSet(StringComparer.OrdinalIgnoreCase), [.. urls], siloId)
        {
            Tracks = tracks.ToHashSet(StringComparer.OrdinalIgnoreCase),
            FeeSweepInterval = feeSweep, UnfiledDepositGrace = grace,
            Lightning = lightning,
            Bounties = BountyComposition.Parse(config),
            Inference = InferenceComposition.Parse(config),
            Workers = WorkerComposition.Parse(config),
            SimnetFaucet = faucet,
            SimnetFaucetMaxSat = faucetMax,
            Retention = RetentionComposition.Parse(config["RetentionDays"]),
            BubblewrapPath = bwrap,
            SiloPort = siloPort, DashboardPassword = dashboardPassword,
            ClusterId = clusterId, ServiceId = serviceId, AdvertisedAddress = advertised,
            Kubernetes = kubernetes, ServerSecretFile = secretFile,
        };
    }

    // The membership table keys rows by ClusterId in a varchar(150).
    private static string ClusterName(IConfiguration config, string key, string option)
    {
        var value = config[key] is { Length: > 0 } v ? v : DefaultClusterName;
        if (value.Length > 150 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new SiloSettingException(option, $"'{value}' is not a cluster name; use up to 150 characters without spaces (default {DefaultClusterName})");
        return value;
    }

    private static List<string> Split(string value) =>
        [.. value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

/// <summary>A wrong or missing setting: printed as one line naming the setting and the fix, exit code 2.</summary>
internal sealed class SiloSettingException(string setting, string problem)
    : Exception($"--{setting} (or {SiloSettings.EnvironmentPrefix}{setting.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant()}, or \"{Capitalize(setting)}\" in appsettings.json): {problem}")
{
    /// <summary>The setting's option name without dashes.</summary>
    public string Setting { get; } = setting;

    private static string Capitalize(string setting) =>
        string.Concat(setting.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
