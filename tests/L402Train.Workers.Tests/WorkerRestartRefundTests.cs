using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Grains.Payments;
using L402Train.Grains.Workers;
using L402Train.Lightning;
using L402Train.Runtime;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>
/// Refund after a restart, over HTTP, as a buyer sees it: the buyer pays the hold invoice of an experiment, the worker
/// silo (<c>--roles worker</c>, SQLite and simnet in one data directory) dies mid-run, a new worker silo starts on the
/// same data directory, and the held deposit is cancelled: the buyer's HTLC fails back and its balance is whole. It
/// is never settled, and a second restart changes nothing. The job lease expires on the silos' shared fake clock.
/// </summary>
public sealed class WorkerRestartRefundTests : IDisposable
{
    private readonly DirectoryInfo dataDir = Directory.CreateTempSubdirectory("l402-worker-restart-");
    private readonly FakeTimeProvider clock = new();
    private readonly HangingRunner runner = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => EmbeddedSilo.DeleteDataDir(dataDir);

    [Fact]
    public async Task A_worker_silo_stopped_mid_run_refunds_the_held_deposit_after_a_restart_on_the_same_data_directory()
    {
        PaymentHash hash;
        MilliSats buyerBefore;
        string location;
        await using (var first = await StartWorkerAsync())
        {
            buyerBefore = (await first.Buyer.GetBalanceAsync(Ct)).Local;
            var (response, paid, _) = await first.PaidAsync(() => RespondAsync(WorkerHost.Post("/experiment", new { trainer = new { steps = 4 } })));
            using (response)
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                location = response.Headers.Location!.ToString();
            }
            hash = paid;

            // The run is really in progress: the runner said so, and so does the worker.
            await runner.Started.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal("running", (await ViewAsync(first, location)).GetProperty("state").GetString());
            Assert.Equal(InvoiceState.Accepted, (await first.Network.Coordinator.LookupInvoiceAsync(hash, Ct))!.State);

            await first.Silo.StopAbruptlyAsync();
        }

        await using (var second = await StartWorkerAsync())
        {
            // Nothing happened while no worker ran: the buyer's HTLC is still held.
            Assert.Equal(InvoiceState.Accepted, (await second.Network.Coordinator.LookupInvoiceAsync(hash, Ct))!.State);
            Assert.Equal(PaymentStatus.InFlight, (await second.Buyer.LookupPaymentAsync(hash, Ct))!.Status);

            await WaitForCancelledAsync(second, hash);

            var view = await ViewAsync(second, location);
            Assert.Equal("abandoned", view.GetProperty("state").GetString());
            Assert.Equal("cancelled", view.GetProperty("payment").GetString());
            Assert.Contains("did not deliver", view.GetProperty("error").GetString(), StringComparison.Ordinal);
            await AssertRefundedAsync(second, hash, buyerBefore);
            Assert.Equal(1, runner.Calls);
            await second.App.StopAsync(Ct);
        }

        // A second restart finds every job finished and moves no money.
        await using var third = await StartWorkerAsync();
        clock.Advance(TimeSpan.FromMinutes(5));
        var store = third.App.Services.GetRequiredService<IGrainStore>();
        Assert.Equal(JobState.Completed, (await store.FindJobAsync(WorkerJobTypes.Run, hash.ToHex(), Ct))!.State);
        Assert.Equal(JobState.Completed, (await store.FindJobAsync(PaymentJobTypes.CancelDeposit, hash.ToHex(), Ct))!.State);
        Assert.Equal("abandoned", (await ViewAsync(third, location)).GetProperty("state").GetString());
        await AssertRefundedAsync(third, hash, buyerBefore);
        Assert.Equal(1, runner.Calls);
    }

    private Task<WorkerHost> StartWorkerAsync() => WorkerHost.StartAsync(roles: "worker", configure: builder =>
    {
        // Grains, jobs, L402 and simnet on the test's clock (so the dead silo's lease expires when the test says);
        // Orleans' own background timers stay on real time.
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        builder.Services.AddSingleton<IExperimentRunner>(runner);
    }, dataDir: dataDir);

    private static HttpRequestMessage RespondAsync(HttpRequestMessage request)
    {
        request.Headers.Add("Prefer", "respond-async");
        return request;
    }

    // No ?wait=: the long-poll runs on the fake clock, which moves only when the test moves it.
    private static Task<JsonElement> ViewAsync(WorkerHost host, string location) => host.Http.GetFromJsonAsync<JsonElement>(location, Ct);

    // The dead silo's lease lapses on the shared clock and the new silo's rescue (every RescueInterval on that clock)
    // hands the run job to its own worker, which finds the experiment running and abandons it; the cancel job fails
    // the HTLC back. The clock moves once; the rest is awaited on the invoice's own updates (a signal, not a sleep).
    private async Task WaitForCancelledAsync(WorkerHost host, PaymentHash hash)
    {
        var jobs = new JobWorkerOptions();
        clock.Advance(jobs.Lease + jobs.RescueInterval);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        Invoice? last = null;
        try
        {
            // The stream starts with the invoice as it is and ends when it is final.
            await foreach (var invoice in host.Network.Coordinator.SubscribeInvoiceAsync(hash, limit.Token)) last = invoice;
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"The held deposit was still {last?.State} 60 s after the dead silo's job lease expired.");
        }
        Assert.Equal(InvoiceState.Canceled, last!.State);
    }

    private static async Task AssertRefundedAsync(WorkerHost host, PaymentHash hash, MilliSats buyerBefore)
    {
        Assert.Equal(InvoiceState.Canceled, (await host.Network.Coordinator.LookupInvoiceAsync(hash, Ct))!.State);
        Assert.Equal(PaymentStatus.Failed, (await host.Buyer.LookupPaymentAsync(hash, Ct))!.Status);
        Assert.Equal(buyerBefore, (await host.Buyer.GetBalanceAsync(Ct)).Local);
        var store = host.App.Services.GetRequiredService<IGrainStore>();
        Assert.Null(await store.FindJobAsync(PaymentJobTypes.SettleDeposit, hash.ToHex(), Ct));
        var ledger = await host.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        Assert.DoesNotContain(ledger.Entries, e => e.Purpose == InvoicePurpose.ExperimentPayment);
    }
}
