using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Bounties.Shipped;
using L402Train.Grains.Payments;
using L402Train.Lightning;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary><c>POST /experiment</c> on a real worker silo: paid in hold mode, settled exactly once when the result is delivered.</summary>
public sealed class ExperimentApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_paid_trainer_experiment_delivers_val_bpb_and_its_hold_invoice_is_settled_once()
    {
        await using var host = await WorkerHost.StartAsync();
        var body = new { trainer = new { steps = 8, seed = 3 } };
        var (response, hash, _) = await host.PaidAsync(() => WorkerHost.Post("/experiment", body));
        using (response)
        {
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
            Assert.StartsWith("/experiment/exp-", response.Headers.Location!.ToString());
        }
        var result = await host.FinalAsync($"/experiment/{hash.ToHex()}");

        Assert.Equal("completed", result.GetProperty("state").GetString());
        Assert.Equal("trainer", result.GetProperty("kind").GetString());
        var bpb = result.GetProperty("val_bpb").GetDouble();
        Assert.True(bpb is > 0 and < 16, $"val_bpb {bpb}");
        Assert.Equal(bpb, result.GetProperty("metrics").GetProperty("val_bpb").GetDouble());
        Assert.Equal(8, result.GetProperty("trainer").GetProperty("steps").GetInt32());
        Assert.StartsWith("sha256:", result.GetProperty("train_hash").GetString());
        Assert.Equal(host.Network.Coordinator.Id.ToHex(), result.GetProperty("worker_id").GetString());
        Assert.Equal("settled", result.GetProperty("payment").GetString());
        Assert.Equal(InvoiceState.Settled, (await host.Network.Coordinator.LookupInvoiceAsync(hash, Ct))!.State);
        Assert.Equal(PaymentStatus.Succeeded, (await host.Buyer.LookupPaymentAsync(hash, Ct))!.Status);
        var ledger = await host.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        var paid = Assert.Single(ledger.Entries, e => e.Purpose == InvoicePurpose.ExperimentPayment);
        Assert.Equal(new Sats(50), paid.InSat);
    }

    [Fact]
    public async Task The_same_trainer_config_gives_the_same_val_bpb_and_train_hash()
    {
        await using var host = await WorkerHost.StartAsync();
        var body = new { trainer = new { steps = 4, seed = 9 } };
        var first = await RunAsync(host, body);
        var second = await RunAsync(host, body);

        Assert.Equal(first.GetProperty("val_bpb").GetDouble(), second.GetProperty("val_bpb").GetDouble());
        Assert.Equal(first.GetProperty("train_hash").GetString(), second.GetProperty("train_hash").GetString());
        Assert.NotEqual(first.GetProperty("experiment_id").GetString(), second.GetProperty("experiment_id").GetString());
    }

    [Fact]
    public async Task An_experiment_whose_own_code_fails_is_a_delivered_result_and_is_settled()
    {
        await using var host = await WorkerHost.StartAsync();
        var archive = BountyArchive.Create(new Dictionary<string, string> { ["run.sh"] = "echo starting\necho 'boom' >&2\nexit 3\n" });
        var result = await RunAsync(host, new { archive = Convert.ToBase64String(archive), command = "sh run.sh" });

        Assert.Equal("failed", result.GetProperty("state").GetString());
        Assert.Equal(3, result.GetProperty("exit_code").GetInt32());
        Assert.Contains("boom", result.GetProperty("output_tail").GetString());
        Assert.Equal("settled", result.GetProperty("payment").GetString());
        var hash = PaymentHash.FromHex(result.GetProperty("payment_hash").GetString()!);
        Assert.Equal(InvoiceState.Settled, (await host.Network.Coordinator.LookupInvoiceAsync(hash, Ct))!.State);
    }

    [Fact]
    public async Task An_archive_reports_the_numeric_members_of_its_last_stdout_line_and_reads_its_config()
    {
        await using var host = await WorkerHost.StartAsync();
        var archive = BountyArchive.Create(new Dictionary<string, string>
        {
            ["train.sh"] = "echo training\nlr=$(sed -n 's/.*\"lr\": *\\([0-9.]*\\).*/\\1/p' \"$EXPERIMENT_CONFIG\")\necho \"{\\\"val_bpb\\\": 1.25, \\\"lr\\\": $lr, \\\"note\\\": \\\"text is ignored\\\"}\"\n",
        });
        var result = await RunAsync(host, new { archive = Convert.ToBase64String(archive), command = "sh train.sh", config = new { lr = 0.5 } });

        Assert.Equal("completed", result.GetProperty("state").GetString());
        Assert.Equal(1.25, result.GetProperty("val_bpb").GetDouble());
        Assert.Equal(0.5, result.GetProperty("metrics").GetProperty("lr").GetDouble());
        Assert.False(result.GetProperty("metrics").TryGetProperty("note", out _));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(archive)), result.GetProperty("train_hash").GetString());
    }

    [Theory]
    [InlineData("{\"trainer\":{\"steps\":0}}", "trainer.steps")]
    [InlineData("{\"trainer\":{\"channels\":60,\"heads\":7}}", "trainer.channels")]
    [InlineData("{\"archive\":\"H4sI\"}", "command")]
    [InlineData("{\"archive\":\"not base64!\",\"command\":\"sh x\"}", "archive")]
    [InlineData("{\"command\":\"sh x\"}", "command")]
    [InlineData("{\"trainer\":{\"steps\":\"many\"}}", "steps")]
    public async Task A_bad_experiment_is_refused_with_a_problem_naming_the_field_before_any_invoice(string json, string field)
    {
        await using var host = await WorkerHost.StartAsync();
        using var response = await host.Http.PostAsync("/experiment", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_hold_token_pays_for_one_experiment_only()
    {
        await using var host = await WorkerHost.StartAsync();
        string? credential = null;
        var (response, _, _) = await host.PaidAsync(() =>
        {
            var request = WorkerHost.Post("/experiment?wait=0", new { trainer = new { steps = 2 } });
            return request;
        });
        using (response) credential = response.RequestMessage!.Headers.GetValues("Authorization").Single();
        using var replay = WorkerHost.Post("/experiment?wait=0", new { trainer = new { steps = 2 } });
        replay.Headers.TryAddWithoutValidation("Authorization", credential);
        using var again = await host.Http.SendAsync(replay, Ct);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task The_402_of_a_worker_announces_its_configured_price_in_hold_mode()
    {
        await using var host = await WorkerHost.StartAsync(adjust: s => s with { Workers = s.Workers with { PriceSat = 77 } });
        using var response = await host.Http.SendAsync(WorkerHost.Post("/experiment", null), Ct);
        var challenge = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal(77, challenge.GetProperty("amount_sats").GetInt64());
        Assert.Equal("hold", challenge.GetProperty("mode").GetString());
    }

    private static async Task<JsonElement> RunAsync(WorkerHost host, object body)
    {
        var (response, hash, _) = await host.PaidAsync(() => WorkerHost.Post("/experiment", body));
        using (response) Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
        return await host.FinalAsync($"/experiment/{hash.ToHex()}");
    }
}
