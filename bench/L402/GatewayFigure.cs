using System.Diagnostics;
using System.Net;
using L402Train.L402.Gate;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace L402Train.Bench.L402;

/// <summary>
/// Requests/s of one cheap endpoint served free and behind the gate (with a valid cached
/// token), by a load generator on loopback in the same process; rounds alternate so both
/// see the same machine load, and the best round of each counts.
/// </summary>
internal static class GatewayFigure
{
    public const int Concurrency = 32;

    public static async Task<(double FreeRps, double PaidRps, double OverheadPercent, int Concurrency)> MeasureAsync(TimeSpan duration, int rounds)
    {
        using var network = new SimnetNetwork();
        var payer = network.CreateFundedNode("payer", new Sats(1_000_000));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<ILightningNode>(network.Coordinator);
        builder.Services.AddL402Gate(L402Train.L402.Tokens.RootKeyRing.CreateRandom());
        await using var app = builder.Build();
        app.MapGet("/free", () => "ok");
        app.MapGet("/paid", () => "ok").RequireL402(new Sats(1), "cheap");
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        // Buy the token once through the paying client, then let a plain load generator present it.
        var tokens = new L402Train.L402.Client.InMemoryL402TokenStore();
        using (var buyer = new HttpClient(new L402Train.L402.Client.L402PaymentHandler(payer, tokens: tokens) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = address })
        {
            if (await buyer.GetStringAsync("/paid") != "ok") throw new InvalidOperationException("The paid request failed.");
        }
        var token = await tokens.GetAsync($"{address.Scheme}://{address.Authority}|/paid") ?? throw new InvalidOperationException("No token was cached.");
        var authorization = $"L402 {token.Macaroon}:{token.Preimage}";

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = address };
        double bestFree = 0, bestPaid = 0;
        await RunAsync(client, "/free", null, TimeSpan.FromSeconds(1));
        await RunAsync(client, "/paid", authorization, TimeSpan.FromSeconds(1));
        for (var round = 0; round < rounds; round++)
        {
            bestFree = Math.Max(bestFree, await RunAsync(client, "/free", null, duration));
            bestPaid = Math.Max(bestPaid, await RunAsync(client, "/paid", authorization, duration));
        }
        await app.StopAsync();
        return (bestFree, bestPaid, Math.Max(0, (bestFree - bestPaid) / bestFree * 100), Concurrency);
    }

    private static async Task<double> RunAsync(HttpClient client, string path, string? authorization, TimeSpan duration)
    {
        var count = 0L;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (watch.Elapsed < duration)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
                using var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{path} answered {response.StatusCode}.");
                Interlocked.Increment(ref count);
            }
        }));
        return count / watch.Elapsed.TotalSeconds;
    }
}
