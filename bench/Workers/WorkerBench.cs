using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Grains.Workers;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Bench.Workers;

/// <summary>
/// A real worker silo (SQLite, simnet, roles gateway,settler,worker) on loopback and a buyer that pays each
/// experiment's hold invoice: the figures of docs/workers.md, with the in-process trainer as the baseline.
/// </summary>
internal sealed class WorkerBench : IAsyncDisposable
{
    private readonly DirectoryInfo dir;
    private readonly WebApplication app;
    private readonly SimnetNode buyer;
    private readonly HttpClient http;

    private WorkerBench(DirectoryInfo dir, WebApplication app, SimnetNode buyer)
    {
        this.dir = dir;
        this.app = app;
        this.buyer = buyer;
        http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(5) };
    }

    public static async Task<WorkerBench> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("l402-bench-workers-");
        var settings = SiloSettings.Load(new Dictionary<string, string?>
        {
            ["DataDir"] = dir.FullName, ["Urls"] = "http://127.0.0.1:0", ["Roles"] = "gateway,settler,worker",
        }, new Dictionary<string, string?>(), dir.FullName);
        var app = SiloHost.Build(settings);
        await app.StartAsync();
        var network = app.Services.GetRequiredService<SimnetNetwork>();
        var buyer = network.CreateFundedNode("bench-buyer", new Sats(1_000_000));
        return new WorkerBench(dir, app, buyer);
    }

    public async Task<IReadOnlyList<(string Name, double Value)>> MeasureAsync(int rounds)
    {
        var trainer = app.Services.GetRequiredService<BuiltInTrainer>();
        // Warm both paths (JIT, the corpus) before anything is timed.
        await PaidExperimentAsync();
        await trainer.RunAsync(TrainerSettings.Default, CancellationToken.None);

        var endToEnd = new List<double>();
        var run = new List<double>();
        double valBpb = 0, parameters = 0;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            var (seconds, result) = await PaidExperimentAsync();
            endToEnd.Add(seconds);
            run.Add(result.GetProperty("run_seconds").GetDouble());
            valBpb = result.GetProperty("val_bpb").GetDouble();
            parameters = result.GetProperty("metrics").GetProperty("parameters").GetDouble();
        }
        var paidPerMinute = rounds / total.Elapsed.TotalMinutes;

        var local = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++) await trainer.RunAsync(TrainerSettings.Default, CancellationToken.None);
        var localPerMinute = rounds / local.Elapsed.TotalMinutes;

        return
        [
            ("parameters", parameters),
            ("steps", TrainerSettings.Default.Steps),
            ("val_bpb", valBpb),
            ("experiments_per_minute", paidPerMinute),
            ("in_process_runs_per_minute", localPerMinute),
            ("end_to_end_s_median", Median(endToEnd)),
            ("run_s_median", Median(run)),
            ("paid_overhead_s_median", Median(endToEnd.Zip(run, (e, r) => e - r))),
        ];
    }

    // 402, hold payment, the paid POST (which waits for the result), then the settlement: what a buyer waits for.
    private async Task<(double Seconds, JsonElement Result)> PaidExperimentAsync()
    {
        var started = Stopwatch.GetTimestamp();
        using var challenge = await http.PostAsync("/experiment", null);
        if (challenge.StatusCode != HttpStatusCode.PaymentRequired) throw new InvalidOperationException($"expected 402, got {(int)challenge.StatusCode}");
        var terms = await challenge.Content.ReadFromJsonAsync<JsonElement>();
        var invoice = terms.GetProperty("invoice").GetString()!;
        await foreach (var update in buyer.SendPaymentAsync(new PaymentRequest(invoice, MilliSats.Zero, TimeSpan.FromSeconds(30))))
            if (update.Status == PaymentStatus.InFlight) break;
        using var paid = new HttpRequestMessage(HttpMethod.Post, "/experiment?wait=120");
        paid.Headers.TryAddWithoutValidation("Authorization", $"L402 {terms.GetProperty("macaroon").GetString()}:");
        using var response = await http.SendAsync(paid);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (response.StatusCode != HttpStatusCode.OK || result.GetProperty("state").GetString() != "completed")
            throw new InvalidOperationException($"experiment did not complete: {(int)response.StatusCode} {result}");
        // The buyer's payment resolves when the worker settles: part of what an experiment costs in time.
        var hash = PaymentHash.FromHex(result.GetProperty("payment_hash").GetString()!);
        var payment = await buyer.LookupPaymentAsync(hash);
        while (payment?.Status == PaymentStatus.InFlight)
        {
            await foreach (var change in app.Services.GetRequiredService<ILightningNode>().SubscribeInvoiceAsync(hash))
                if (change.State is InvoiceState.Settled or InvoiceState.Canceled) break;
            payment = await buyer.LookupPaymentAsync(hash);
        }
        return (Stopwatch.GetElapsedTime(started).TotalSeconds, result);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }
}
