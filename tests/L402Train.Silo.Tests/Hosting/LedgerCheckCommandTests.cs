using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Runtime.Simnet;
using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Silo.Tests.Hosting;

/// <summary><c>silo ledger check</c> over a real data directory (SQLite store, durable simnet).</summary>
public sealed class LedgerCheckCommandTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-ledger-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DataDir => Path.Combine(dir.FullName, "data");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_checkpoint_fee_paid_and_not_used_is_in_transit_and_only_an_unexplained_payment_fails_the_check()
    {
        // The payer's channel exists before the silo opens its ledger, so the opening balance includes it.
        Directory.CreateDirectory(DataDir);
        using (var network = OpenSimnet()) network.CreateFundedNode("payer", new Sats(10_000));
        var feeSat = await PayCheckpointFeeWithoutUsingItAsync();

        var inTransit = await LedgerCheckAsync();

        Assert.True(inTransit.Code == 0, inTransit.Out + inTransit.Error);
        Assert.Contains($"in transit: {feeSat} sat in 1 fee paid, recorded when used or by the next fee sweep", inTransit.Out, StringComparison.Ordinal);
        Assert.EndsWith("reconciled", inTransit.Out.TrimEnd(), StringComparison.Ordinal);

        using (var network = OpenSimnet())
        {
            var stray = await network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(25).ToMilliSats(), "stray", TimeSpan.FromMinutes(10)), Ct);
            var paid = await network.FindNode("payer")!.PayAsync(new PaymentRequest(stray.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct);
            Assert.Equal(PaymentStatus.Succeeded, paid.Status);
        }

        var unexplained = await LedgerCheckAsync();

        Assert.Equal(1, unexplained.Code);
        Assert.Contains($"in transit: {feeSat} sat in 1 fee paid", unexplained.Out, StringComparison.Ordinal);
        Assert.Contains("DIFFERENCE: -25 sat", unexplained.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fee_paid_on_the_node_before_the_ledger_opened_is_in_the_opening_balance_and_never_in_transit()
    {
        // A node that outlived an old data directory: a paid fee invoice the new ledger's opening balance already holds.
        Directory.CreateDirectory(DataDir);
        using (var network = OpenSimnet())
        {
            var payer = network.CreateFundedNode("payer", new Sats(10_000));
            var old = await network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(10).ToMilliSats(), "L402 checkpoint", TimeSpan.FromMinutes(10)), Ct);
            Assert.Equal(PaymentStatus.Succeeded, (await payer.PayAsync(new PaymentRequest(old.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct)).Status);
        }

        var check = await LedgerCheckAsync();

        Assert.True(check.Code == 0, check.Out + check.Error);
        Assert.Contains("in transit: 0 sat in 0 fees paid", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dead_money_job_is_listed_for_the_operator_by_the_ledger_check()
    {
        Directory.CreateDirectory(DataDir);
        var none = await LedgerCheckAsync();
        Assert.Contains("dead money jobs: none", none.Out, StringComparison.Ordinal);
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["DataDir"] = DataDir }, new Dictionary<string, string?>(), dir.FullName);
        var store = settings.Store.Open();
        var now = TimeProvider.System.GetUtcNow();
        await store.EnqueueAsync(Runtime.JobRequest.Create(Grains.Payments.PaymentJobTypes.CancelDeposit, "ab12", new { }, maxAttempts: 1), now, Ct);
        var job = Assert.Single(await store.ClaimJobsAsync(new Runtime.JobClaim("w", [Grains.Payments.PaymentJobTypes.CancelDeposit], 1, now, now.AddMinutes(1)), Ct));
        Assert.True(await store.FailJobAsync(job.Id, "w", "LightningException: node unreachable", retryAt: null, now, Ct));
        (store as IDisposable)?.Dispose();

        var dead = await LedgerCheckAsync();

        Assert.Contains("DEAD deposit.cancel/ab12 after 1 attempts (a refunded deposit is not cancelled): LightningException: node unreachable", dead.Out, StringComparison.Ordinal);
        Assert.Contains("dead money jobs: 1", dead.Out, StringComparison.Ordinal);
    }

    private SimnetNetwork OpenSimnet() => new(new SimnetOptions { Store = new SqliteSimnetStore(Path.Combine(DataDir, "simnet.db")) });

    // Serves the silo on the data directory just long enough to get a 402 for GET /checkpoint and pay its invoice.
    private async Task<long> PayCheckpointFeeWithoutUsingItAsync()
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?>
        {
            ["DataDir"] = DataDir,
            ["Urls"] = "http://127.0.0.1:0",
            ["Roles"] = "gateway",
        }, new Dictionary<string, string?>(), dir.FullName);
        await using var app = SiloHost.Build(settings);
        await app.StartAsync(Ct);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var response = await http.GetAsync("/checkpoint", Ct);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var challenge = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var payer = app.Services.GetRequiredService<SimnetNetwork>().FindNode("payer")!;
        var paid = await payer.PayAsync(new PaymentRequest(challenge.GetProperty("invoice").GetString()!, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct);
        Assert.Equal(PaymentStatus.Succeeded, paid.Status);
        await app.StopAsync(Ct);
        return challenge.GetProperty("amount_sats").GetInt64();
    }

    private async Task<(int Code, string Out, string Error)> LedgerCheckAsync()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName).InvokeAsync(["ledger", "check", "--data-dir", DataDir], output, error, Ct);
        return (code, output.ToString(), error.ToString());
    }
}
