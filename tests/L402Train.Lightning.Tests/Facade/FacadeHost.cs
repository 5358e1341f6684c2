using System.Net;
using L402Train.Lightning.Facade;
using L402Train.Lightning.Lnd;
using L402Train.Lightning.Simnet;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace L402Train.Lightning.Tests.Facade;

/// <summary>A real Kestrel host on a random loopback port serving the simnet facade.</summary>
internal sealed class FacadeHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<LndRestClient> clients = [];

    private FacadeHost(WebApplication app, SimnetNetwork network, FakeTimeProvider clock, Uri address)
    {
        this.app = app;
        Network = network;
        Clock = clock;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    public SimnetNetwork Network { get; }
    public FakeTimeProvider Clock { get; }
    public Uri Address { get; }
    public HttpClient Http { get; }

    /// <summary>
    /// Starts the facade; <paramref name="faucet"/> maps the faucet (default: on, with its default cap);
    /// <paramref name="callerAddress"/> makes every request look as if it came from that address, as a
    /// forwarded-headers middleware would, to exercise what remote callers get.
    /// </summary>
    public static async Task<FacadeHost> StartAsync(SimnetOptions? options = null, SimnetFaucetOptions? faucet = null, bool withFaucet = true, IPAddress? callerAddress = null)
    {
        var clock = new FakeTimeProvider();
        var network = new SimnetNetwork(options, clock);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        if (callerAddress is not null)
        {
            app.Use((context, next) =>
            {
                context.Connection.RemoteIpAddress = callerAddress;
                return next(context);
            });
        }
        app.MapSimnetFacade(network, withFaucet ? faucet ?? new SimnetFaucetOptions() : null);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FacadeHost(app, network, clock, new Uri(address + "/"));
    }

    /// <summary>An LND client for a node, exactly as a separate process would build it.</summary>
    public LndRestClient Client(string node, string? macaroonHex = null)
    {
        var macaroon = macaroonHex ?? Network.GetNode(node).MacaroonHex;
        var client = new LndRestClient(new LndRestOptions(new Uri(Address, $"simnet/{node}/"), macaroon));
        clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients) client.Dispose();
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Network.Dispose();
    }
}
