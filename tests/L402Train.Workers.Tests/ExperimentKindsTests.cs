using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Bounties.Shipped;
using L402Train.Gateway.Apis;
using L402Train.Lightning.Signing;
using L402Train.Protocol;
using L402Train.Protocol.Research;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>
/// What a worker sells is said before anyone pays: its signed registration lists the experiment kinds, every
/// <c>POST /experiment</c> answer carries them, and a worker started with <c>--worker-archives off</c> refuses an
/// archive with a 400 naming it instead of a 402.
/// </summary>
public sealed class ExperimentKindsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly object ArchiveBody = new
    {
        archive = Convert.ToBase64String(BountyArchive.Create(new Dictionary<string, string> { ["run.sh"] = "echo '{\"val_bpb\": 1}'\n" })),
        command = "sh run.sh",
    };

    [Fact]
    public async Task A_worker_with_archives_off_says_so_in_its_registration_and_refuses_an_archive_before_payment()
    {
        // No bubblewrap at all: with archives off the worker has no use for it, and starts.
        await using var host = await WorkerHost.StartAsync(roles: "worker", adjust: s => s with
        {
            BubblewrapPath = "/nonexistent/bwrap",
            Workers = s.Workers with { ArchivesOffered = false },
        });

        var registration = await host.Http.GetFromJsonAsync<AgentRegistration>(ResearchNames.RegistrationPath, ProtocolJson.Options, Ct);
        var service = Assert.Single(registration!.Services, s => s.Name == ResearchNames.ExperimentService);
        Assert.Equal(["trainer"], service.ExperimentKinds);
        Assert.Contains("Archive experiments are not offered", registration.Description, StringComparison.Ordinal);
        Assert.Equal(host.Network.Coordinator.Id, SignedMessage.Recover(RegistrationCanonicalForm.Bytes(registration), registration.Signature!.Value!));

        using (var archive = await host.Http.SendAsync(WorkerHost.Post("/experiment", ArchiveBody), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, archive.StatusCode);
            Assert.Equal("application/problem+json", archive.Content.Headers.ContentType?.MediaType);
            var problem = await archive.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.StartsWith("archive: this worker does not offer archive experiments", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal("trainer", Assert.Single(archive.Headers.GetValues(WorkerApi.KindsHeader)));
        }
        using (var trainer = await host.Http.SendAsync(WorkerHost.Post("/experiment", new { trainer = new { steps = 2 } }), Ct))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, trainer.StatusCode);
            Assert.Equal("trainer", Assert.Single(trainer.Headers.GetValues(WorkerApi.KindsHeader)));
        }

        // The trainer runs it does sell are paid and delivered as ever.
        var (response, hash, _) = await host.PaidAsync(() => WorkerHost.Post("/experiment", new { trainer = new { steps = 2 } }));
        response.Dispose();
        var result = await host.FinalAsync($"/experiment/{hash.ToHex()}");
        Assert.Equal("completed", result.GetProperty("state").GetString());
        Assert.Equal("settled", result.GetProperty("payment").GetString());
    }

    [Fact]
    public async Task A_worker_with_archives_on_lists_both_kinds_and_prices_an_archive()
    {
        await using var host = await WorkerHost.StartAsync(roles: "worker");

        var registration = await host.Http.GetFromJsonAsync<AgentRegistration>(ResearchNames.RegistrationPath, ProtocolJson.Options, Ct);
        Assert.Equal(["trainer", "archive"], Assert.Single(registration!.Services, s => s.Name == ResearchNames.ExperimentService).ExperimentKinds);
        using var archive = await host.Http.SendAsync(WorkerHost.Post("/experiment", ArchiveBody), Ct);
        Assert.Equal(HttpStatusCode.PaymentRequired, archive.StatusCode);
        Assert.Equal("trainer, archive", Assert.Single(archive.Headers.GetValues(WorkerApi.KindsHeader)));
    }
}
