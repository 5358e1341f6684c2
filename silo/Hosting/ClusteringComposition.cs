using Orleans.Configuration;

namespace L402Train.Silo.Hosting;

/// <summary>
/// How a silo finds its peers. The embedded store (SQLite, memory) is one silo on localhost
/// clustering: one command, no server. A PostgreSQL store is a cluster: membership lives in the
/// same database through Orleans' ADO.NET provider (tables created by <c>silo migrate</c>), so every
/// silo pointed at that database and cluster id joins the others.
/// </summary>
internal static class ClusteringComposition
{
    /// <summary>
    /// The configuration section bound to Orleans' <see cref="ClusterMembershipOptions"/>
    /// (e.g. the environment variable <c>ClusterMembership__ProbeTimeout=00:00:01</c>). Unset in
    /// production, which keeps Orleans' defaults; tests shorten the probes to see a kill in seconds.
    /// </summary>
    public const string MembershipSection = "ClusterMembership";

    /// <summary>Adds the clustering that <paramref name="settings"/>' store calls for.</summary>
    public static ISiloBuilder AddClustering(this ISiloBuilder silo, SiloSettings settings, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(configuration);
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(MembershipSection));
        if (settings.Store.Kind != "postgres")
            return silo.UseLocalhostClustering(siloPort: settings.SiloPort ?? FreePort(), gatewayPort: 0);

        var port = settings.SiloPort ?? SiloSettings.DefaultClusterSiloPort;
        // Gateway port 0: no Orleans client connects from outside; the HTTP gateway runs in the silo.
        if (settings.AdvertisedAddress is { } address) silo.ConfigureEndpoints(address, port, gatewayPort: 0);
        else silo.ConfigureEndpoints(port, gatewayPort: 0);
        return silo
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            })
            .UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = settings.Store.Target;
            })
            .AddKubernetesHosting(settings);
    }

    // A silo-to-silo port nothing else holds (the embedded silo's peers are in this process or none).
    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
