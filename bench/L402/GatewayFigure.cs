using System.Diagnostics;
using System.Net;
using L402Train.L402.Client;
using L402Train.L402.Gate;
using L402Train.L402.Tokens;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace L402Train.Bench.L402;

/// <summary>The gateway figures: the same cheap endpoint served free and behind the gate.</summary>
/// <param name="FreeRps">Median requests/s (wall clock) of the free endpoint.</param>
/// <param name="PaidRps">Median requests/s of the gated endpoint with a valid token.</param>
/// <param name="FreeCpuMicroseconds">Least process CPU time per free request over the rounds (server + load generator).</param>
/// <param name="PaidCpuMicroseconds">Least process CPU time per gated request over the rounds.</param>
internal sealed record GatewayFigures(double FreeRps, double PaidRps, double FreeCpuMicroseconds, double PaidCpuMicroseconds)
{
    /// <summary>
    /// Throughput lost to L402 when the CPU is the limit: 1 − cost(free)/cost(gated), from CPU
    /// time per request, which stays meaningful on a machine other processes share (wall-clock
    /// requests/s there swing by ±50% between identical runs).
    /// </summary>
    public double OverheadPercent => Math.Max(0, (1 - (FreeCpuMicroseconds / PaidCpuMicroseconds)) * 100);
}

/// <summary>
/// A Kestrel app on loopback with <c>/free</c> and <c>/paid</c> (1 sat, standard), and a load
/// generator in the same process: short rounds alternate between the two paths so both see the
/// same machine.
/// </summary>
internal static class GatewayFigure
{
    public const int Concurrency = 32;

    public static async Task<GatewayFigures> MeasureAsync(TimeSpan duration, int rounds)
    {
        using var network = new SimnetNetwork();
        var payer = network.CreateFundedNode("payer", new Sats(1_000_000));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<ILightningNode>(network.Coordinator);
        builder.Services.AddL402Gate(RootKeyRing.CreateRandom());
        await using var app = builder.Build();
        app.MapGet("/free", () => "ok");
        app.MapGet("/paid", () => "ok").RequireL402(new Sats(1), "cheap");
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        // Buy the token once through the paying client, then let a plain load generator present it.
        var tokens = new InMemoryL402TokenStore();
        using (var buyer = new HttpClient(new L402PaymentHandler(payer, tokens: tokens) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = address })
        {
            if (await buyer.GetStringAsync("/paid") != "ok") throw new InvalidOperationException("The paid request failed.");
        }
        var token = await tokens.GetAsync($"{address.Scheme}://{address.Authority}|/paid") ?? throw new InvalidOperationException("No token was cached.");
        var authorization = $"L402 {token.Macaroon}:{token.Preimage}";

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = address };
        for (var warmup = 0; warmup < 2; warmup++)
        {
            await RunAsync(client, "/free", null, TimeSpan.FromSeconds(1));
            await RunAsync(client, "/paid", authorization, TimeSpan.FromSeconds(1));
        }
        var free = new List<(double Rps, double Cpu)>();
        var paid = new List<(double Rps, double Cpu)>();
        for (var round = 0; round < rounds; round++)
        {
            free.Add(await RunAsync(client, "/free", null, duration));
            paid.Add(await RunAsync(client, "/paid", authorization, duration));
        }
        await app.StopAsync();
        // Requests/s: medians. CPU per request: the least-disturbed round of each path (the
        // minimum), since other processes on a shared machine only ever add to it.
        return new GatewayFigures(Median(free.Select(f => f.Rps)), Median(paid.Select(p => p.Rps)), free.Min(f => f.Cpu), paid.Min(p => p.Cpu));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<(double Rps, double CpuMicroseconds)> RunAsync(HttpClient client, string path, string? authorization, TimeSpan duration)
    {
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
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
        var seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return (count / seconds, (process.TotalProcessorTime - cpu0).TotalMicroseconds / count);
    }
}
