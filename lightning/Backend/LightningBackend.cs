using L402Train.Lightning.Lnd;
using L402Train.Lightning.Secp256k1;
using L402Train.Lightning.Simnet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace L402Train.Lightning.Backend;

/// <summary>
/// The coordinator's Lightning node, built from <see cref="LightningBackendOptions"/>: the simnet's
/// <c>coordinator</c> node (the <see cref="Network"/> is exposed so the silo can map the REST
/// facade) or an <see cref="LndRestClient"/>. Logs which backend and which secp256k1 engine run.
/// </summary>
public sealed class LightningBackend : IDisposable
{
    private readonly IDisposable owned;

    private LightningBackend(ILightningNode node, SimnetNetwork? network, IDisposable owned)
    {
        Node = node;
        Network = network;
        this.owned = owned;
    }

    /// <summary>The coordinator's node.</summary>
    public ILightningNode Node { get; }

    /// <summary>The simnet, when that is the backend (map <c>MapSimnetFacade</c> over it); null for LND.</summary>
    public SimnetNetwork? Network { get; }

    /// <summary>
    /// Builds the backend and logs the choice. A simnet with <see cref="LightningBackendOptions.SimnetDatabasePath"/>
    /// keeps its records in the store <paramref name="openSimnetStore"/> opens at that path (lightning itself
    /// carries no database driver); without a path the simnet lives in memory.
    /// </summary>
    public static LightningBackend Create(LightningBackendOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null,
        Func<string, ISimnetStore>? openSimnetStore = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<LightningBackend>();
        logger.LogInformation("secp256k1 engine: {Engine}{Fallback}", Secp256k1Engine.Default.Name,
            Secp256k1Engine.Default.Name == "libsecp256k1" ? "" : " (libsecp256k1.so.1 not found: install libsecp256k1-1 for ~25x faster signing)");
        if (options.Kind == LightningBackendKind.Simnet)
        {
            ISimnetStore? store = null;
            if (options.SimnetDatabasePath is { } path)
            {
                if (openSimnetStore is null)
                    throw new ArgumentException($"A simnet database path ({path}) needs a store to open it (the silo passes SqliteSimnetStore).", nameof(openSimnetStore));
                store = openSimnetStore(path);
            }
            var network = new SimnetNetwork(new SimnetOptions { Store = store }, timeProvider, loggerFactory.CreateLogger<SimnetNetwork>());
            logger.LogInformation("Lightning backend: embedded simnet ({Storage})", options.SimnetDatabasePath ?? "in memory");
            return new LightningBackend(network.Coordinator, network, network);
        }
        var client = new LndRestClient(new LndRestOptions(options.LndRestUri!, LndRestOptions.ReadMacaroonHex(options.LndMacaroonPath!), options.LndCertPath), timeProvider);
        logger.LogInformation("Lightning backend: LND at {Uri}", options.LndRestUri);
        return new LightningBackend(client, null, client);
    }

    /// <inheritdoc />
    public void Dispose() => owned.Dispose();
}
