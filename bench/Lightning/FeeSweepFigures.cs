using System.Diagnostics;
using L402Train.Grains.Payments;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace L402Train.Bench.Lightning;

/// <summary>
/// The fee sweep's time per 1,000 new invoices on the simnet coordinator, against listing the same
/// invoices only (the same-run baseline): one Orleans silo over the in-memory store holds the ledger.
/// Each window issues 1,000 fresh standard-fee invoices (as 1,000 anonymous 402s would) and sweeps
/// exactly them, since the cursor moves past each window.
/// </summary>
internal static class FeeSweepFigures
{
    private const int Invoices = 1_000;
    private static readonly StandardFeeInvoices Fees = new("L402", new Dictionary<string, InvoicePurpose> { ["checkpoint"] = InvoicePurpose.CheckpointFee });

    public static async Task RunAsync(Action<string, double> print)
    {
        using var network = new SimnetNetwork();
        var payer = network.CreateFundedNode("payer", new Sats(1_000_000_000));
        using var silo = await StartSiloAsync();
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync(Sats.Zero);
        // Sweeping at expiry + 15 min: every invoice of a window is final, so the cursor moves past it.
        DateTimeOffset Later() => DateTimeOffset.UtcNow.AddMinutes(25);

        await WindowAsync(network.Coordinator, payer, paid: 0);
        await FeeSweep.RunAsync(grains, network.Coordinator, Fees, Later());
        double list = double.MaxValue, sweep = double.MaxValue, sweepPaid = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var offset = (await grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync()).FeeCursor;
            await WindowAsync(network.Coordinator, payer, paid: 0);
            list = Math.Min(list, await TimeAsync(() => ListAllAsync(network.Coordinator, offset)));
            sweep = Math.Min(sweep, await TimeAsync(() => FeeSweep.RunAsync(grains, network.Coordinator, Fees, Later())));
            await WindowAsync(network.Coordinator, payer, paid: 100);
            sweepPaid = Math.Min(sweepPaid, await TimeAsync(() => FeeSweep.RunAsync(grains, network.Coordinator, Fees, Later())));
        }
        print("fee_sweep_list_only_ms_per_1000_invoices", list);
        print("fee_sweep_ms_per_1000_invoices_none_paid", sweep);
        print("fee_sweep_ms_per_1000_invoices_100_paid", sweepPaid);
        await silo.StopAsync();
    }

    /// <summary>1,000 fee invoices of 10 min, <paramref name="paid"/> of them paid.</summary>
    private static async Task WindowAsync(ILightningNode coordinator, ILightningNode payer, int paid)
    {
        for (var i = 0; i < Invoices; i++)
        {
            var invoice = await coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(10).ToMilliSats(), "L402 checkpoint", TimeSpan.FromMinutes(10)));
            if (i < paid) await payer.PayAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30)));
        }
    }

    private static async Task<int> ListAllAsync(ILightningNode node, long offset)
    {
        var count = 0;
        for (; ; )
        {
            var page = await node.ListInvoicesAsync(new InvoiceQuery(offset, FeeSweep.PageSize));
            if (page.Invoices.Count == 0) return count;
            count += page.Invoices.Count;
            offset = page.LastIndexOffset;
        }
    }

    private static async Task<double> TimeAsync<T>(Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<IHost> StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: 0).AddL402Runtime(new MemoryGrainStore()));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
