using System.Net;
using L402Train.L402.Challenges;
using L402Train.L402.Gate;
using L402Train.L402.Tokens;
using L402Train.Lightning;
using L402Train.Lightning.Facade;
using L402Train.Lightning.Simnet;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace L402Train.L402.Tests.Gate;

/// <summary>
/// A real Kestrel app on 127.0.0.1 with the gate in front of a few priced endpoints, paid
/// through an in-process simnet (coordinator + a funded peer), on a fake clock.
/// </summary>
internal sealed class GateHost : IAsyncDisposable
{
    private GateHost(WebApplication app, SimnetNetwork network, FakeTimeProvider time, RootKeyRing keys, Uri baseAddress)
    {
        App = app;
        Network = network;
        Time = time;
        Keys = keys;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }
    public SimnetNetwork Network { get; }
    public FakeTimeProvider Time { get; }
    public RootKeyRing Keys { get; }
    public Uri BaseAddress { get; }
    public SimnetNode Coordinator => Network.Coordinator;
    public SimnetNode Peer => Network.GetNode("peer");
    public L402Gate Gate => App.Services.GetRequiredService<L402Gate>();
    public ITokenRevocationList Revocations => App.Services.GetRequiredService<ITokenRevocationList>();

    public static async Task<GateHost> StartAsync(DateTimeOffset? start = null, Func<SimnetNode, ILightningNode>? coordinator = null)
    {
        var time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var network = new SimnetNetwork(new SimnetOptions(), time);
        network.CreateFundedNode("peer", new Sats(1_000_000));
        var keys = RootKeyRing.CreateRandom();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton(coordinator?.Invoke(network.Coordinator) ?? network.Coordinator);
        builder.Services.AddL402Gate(keys, o => o.TokenValidity = TimeSpan.FromHours(1));
        var app = builder.Build();
        Map(app, network);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GateHost(app, network, time, keys, new Uri(address));
    }

    private static IEnumerable<(string, string)> Round(HttpContext ctx) =>
        [("round", ctx.Request.Query["round"].FirstOrDefault() ?? "7")];

    private static void Map(WebApplication app, SimnetNetwork network)
    {
        app.MapGet("/free", () => "free");
        app.MapGet("/checkpoint", (HttpContext ctx) => TokenJson(ctx)).RequireL402(new Sats(10), "checkpoint", scope: Round);
        app.MapGet("/bounty", (HttpContext ctx) => TokenJson(ctx)).RequireL402(new Sats(12), "bounty.read");
        app.MapPut("/gradient", (HttpContext ctx) => Results.Accepted(value: TokenJson(ctx))).RequireL402(new Sats(50), "gradient", L402Mode.Hold, Round);
        app.MapGet("/priced", (HttpContext ctx) => TokenJson(ctx))
            .RequireL402(ctx => new Sats(long.TryParse(ctx.Request.Query["sats"], out var s) ? s : 1), "priced");

        // Challenges a well-behaved server never sends, for the client's refusals.
        app.MapGet("/amountless", async (HttpContext ctx, L402Gate gate) =>
        {
            var invoice = await network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(null, "amountless", TimeSpan.FromMinutes(10)));
            return Challenge(gate, invoice.Hash, invoice.PaymentRequest);
        });
        app.MapGet("/mismatch", async (HttpContext ctx, L402Gate gate) =>
        {
            var invoice = await network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new MilliSats(5000), "mismatch", TimeSpan.FromMinutes(10)));
            return Challenge(gate, Preimage.Random().Hash, invoice.PaymentRequest);
        });

        // The LND-compatible REST facade, so node-based clients pay from the simnet peer like from LND.
        app.MapSimnetFacade(network);
    }

    private static IResult Challenge(L402Gate gate, PaymentHash hash, string invoice)
    {
        var macaroon = gate.MintMacaroon(hash, gate.Keys.NewTokenId(), "x", L402Mode.Standard, [], DateTimeOffset.MaxValue.AddYears(-1));
        return new ChallengeResult(new L402Challenge(macaroon.ToBase64(), invoice).Format());
    }

    private sealed class ChallengeResult(string header) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = 402;
            httpContext.Response.Headers.WWWAuthenticate = header;
            return Task.CompletedTask;
        }
    }

    private static IResult TokenJson(HttpContext ctx)
    {
        var token = ctx.GetL402Token()!;
        return Results.Json(new
        {
            payment_hash = token.PaymentHash.ToHex(),
            token_id = token.TokenId.ToHex(),
            mode = token.Mode.ToString(),
            caveats = token.Caveats.Select(c => c.ToString()).ToArray(),
        });
    }

    public HttpClient PlainClient() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Network.Dispose();
    }
}
