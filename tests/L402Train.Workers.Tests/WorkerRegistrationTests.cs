using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Lightning;
using L402Train.Lightning.Signing;
using L402Train.Protocol;
using L402Train.Protocol.Research;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>The worker's signed registration, and a silo with only the worker role.</summary>
public sealed class WorkerRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_registration_is_signed_by_the_worker_node_key_and_the_index_takes_it()
    {
        await using var host = await WorkerHost.StartAsync(adjust: s => s with { Workers = s.Workers with { PriceSat = 42 } });
        var registration = await host.Http.GetFromJsonAsync<AgentRegistration>(ResearchNames.RegistrationPath, ProtocolJson.Options, Ct);

        Assert.NotNull(registration);
        Assert.Equal(host.Network.Coordinator.Id.ToHex(), registration.Signature!.NodePubkey);
        Assert.Equal(host.Network.Coordinator.Id, SignedMessage.Recover(RegistrationCanonicalForm.Bytes(registration), registration.Signature.Value!));
        var experiment = Assert.Single(registration.Services, s => s.Name == ResearchNames.ExperimentService);
        Assert.Equal(new Uri(host.Http.BaseAddress!, "experiment").ToString(), experiment.Endpoint);
        Assert.True(experiment.L402);
        Assert.Equal("hold", experiment.L402Mode);
        Assert.Equal(42, experiment.PriceSats);
        Assert.Contains(ResearchNames.ModelVersioningSkill, registration.Services.Single(s => s.Name == ResearchNames.OasfService).Skills!);

        using var posted = await host.Http.PostAsJsonAsync("/api/v1/agents", new AgentSubmission(registration), ProtocolJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
    }

    [Fact]
    public async Task The_registration_reports_the_best_val_bpb_delivered()
    {
        await using var host = await WorkerHost.StartAsync();
        var (response, hash, _) = await host.PaidAsync(() => WorkerHost.Post("/experiment", new { trainer = new { steps = 2 } }));
        response.Dispose();
        var result = await host.FinalAsync($"/experiment/{hash.ToHex()}");

        var registration = await host.Http.GetFromJsonAsync<AgentRegistration>(ResearchNames.RegistrationPath, ProtocolJson.Options, Ct);

        Assert.Equal(result.GetProperty("val_bpb").GetDouble(), registration!.BestValBpb);
        Assert.Equal(1, registration.ExperimentsDelivered);
    }

    [Fact]
    public async Task A_silo_with_only_the_worker_role_sells_experiments_and_settles_its_own_invoices()
    {
        await using var host = await WorkerHost.StartAsync(roles: "worker");
        using (var index = await host.Http.GetAsync("/api/v1/public/agents", Ct))
            Assert.Equal(HttpStatusCode.NotFound, index.StatusCode);

        var (response, hash, _) = await host.PaidAsync(() => WorkerHost.Post("/experiment", new { trainer = new { steps = 2 } }));
        response.Dispose();
        var result = await host.FinalAsync($"/experiment/{hash.ToHex()}");

        Assert.Equal("completed", result.GetProperty("state").GetString());
        Assert.Equal(InvoiceState.Settled, (await host.Network.Coordinator.LookupInvoiceAsync(hash, Ct))!.State);
    }

    [Fact]
    public async Task An_unknown_or_malformed_experiment_id_is_a_clear_4xx()
    {
        await using var host = await WorkerHost.StartAsync();
        using var unknown = await host.Http.GetAsync("/experiment/exp-20260101-" + new string('a', 64), Ct);
        using var malformed = await host.Http.GetAsync("/experiment/exp-1", Ct);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("payment hash", (await malformed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_board_shows_what_the_worker_delivered_and_the_indexed_workers()
    {
        await using var host = await WorkerHost.StartAsync(adjust: s => s with { Workers = s.Workers with { Name = "board-worker" } });
        var (response, hash, _) = await host.PaidAsync(() => WorkerHost.Post("/experiment", new { trainer = new { steps = 2 } }));
        response.Dispose();
        var result = await host.FinalAsync($"/experiment/{hash.ToHex()}");
        var registration = await host.Http.GetFromJsonAsync<AgentRegistration>(ResearchNames.RegistrationPath, ProtocolJson.Options, Ct);
        (await host.Http.PostAsJsonAsync("/api/v1/agents", new AgentSubmission(registration), ProtocolJson.Options, Ct)).Dispose();

        var page = WebUtility.HtmlDecode(await host.Http.GetStringAsync("/board/workers", Ct));

        Assert.Contains("<dt>Delivered</dt><dd>1</dd>", page, StringComparison.Ordinal);
        Assert.Contains("board-worker", page, StringComparison.Ordinal);
        Assert.Contains(result.GetProperty("val_bpb").GetDouble().ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)[..3], page, StringComparison.Ordinal);
    }
}
