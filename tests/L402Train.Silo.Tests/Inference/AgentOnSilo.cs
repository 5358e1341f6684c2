using System.Net;
using System.Net.Sockets;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Testing;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// A real silo on simnet and an agent's wallet with a 100,000 sat channel to it, in a scratch folder
/// for the client's files (providers.json, results.jsonl): what the client-side inference tests share.
/// </summary>
public abstract class AgentOnSilo(string name) : IAsyncLifetime
{
    private const long ChannelSat = 100_000;

    private protected readonly DirectoryInfo work = Directory.CreateTempSubdirectory($"l402-{name}-");
    private protected EmbeddedSilo? silo;
    private protected ILightningNode? wallet;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The silo's base URL, with its trailing slash.</summary>
    protected string Provider => silo!.Url + "/";

    /// <summary>The client's provider history.</summary>
    protected string CachePath => Path.Combine(work.FullName, "providers.json");

    public virtual async ValueTask InitializeAsync()
    {
        silo = await EmbeddedSilo.StartAsync(name, cancellationToken: Ct);
        wallet = silo.Network.CreateNode("agent");
        silo.Network.OpenChannel("agent", SimnetNetwork.CoordinatorName, new Sats(ChannelSat).ToMilliSats(), new MilliSats(0));
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
        work.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>A URL on a port nobody listens on: bound, read, released.</summary>
    protected static string DeadUrl()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return $"http://127.0.0.1:{port}/";
    }

    /// <summary>What the agent's wallet has paid so far.</summary>
    protected async Task<long> SpentSatAsync() => ChannelSat - (await wallet!.GetBalanceAsync(Ct)).Local.ToSatsFloor().Value;
}
