using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.Gateway.Apis;
using L402Train.Gateway.Workers;
using L402Train.Lightning;
using L402Train.Lightning.Signing;
using L402Train.Lightning.Simnet;
using L402Train.Protocol;
using L402Train.Protocol.Research;
using L402Train.Runtime;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>
/// The coordinator's agent index: a registration signed by its node is listed in 8004scan's shape; a forged,
/// tampered, stale or other-node registration is refused with a problem naming why; entries expire unless refreshed.
/// </summary>
public sealed class AgentIndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_registration_is_listed_with_the_document_embedded()
    {
        await using var index = await IndexHost.StartAsync();
        var worker = index.Network.CreateFundedNode("worker-a", new Sats(1_000));
        var registration = await index.SignedAsync(worker, bestValBpb: 2.5);

        using var posted = await index.PostAsync(new AgentSubmission(registration));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var list = await index.ListAsync("?protocol=OASF&search=devops_mlops/model_versioning&limit=20");

        var agent = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(worker.Id.ToHex(), agent.GetProperty("agent_id").GetString());
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        var content = agent.GetProperty("raw_metadata").GetProperty("offchain_content");
        Assert.Equal(ResearchNames.RegistrationType, content.GetProperty("type").GetString());
        Assert.Equal("http://worker-a.test/experiment", content.GetProperty("services")[0].GetProperty("endpoint").GetString());
        Assert.True(content.GetProperty("services")[0].GetProperty("l402").GetBoolean());
        Assert.Equal(2.5, content.GetProperty("best_val_bpb").GetDouble());
        Assert.Equal("http://worker-a.test/.well-known/agent-registration.json", agent.GetProperty("raw_metadata").GetProperty("offchain_uri").GetString());
        // What the index serves still verifies: a reader can check it without trusting the index.
        var served = content.Deserialize<AgentRegistration>(ProtocolJson.Options)!;
        Assert.Equal(worker.Id, SignedMessage.Recover(RegistrationCanonicalForm.Bytes(served), served.Signature!.Value!));
    }

    [Fact]
    public async Task A_tampered_field_is_refused_as_not_signed_by_the_node()
    {
        await using var index = await IndexHost.StartAsync();
        var worker = index.Network.CreateFundedNode("worker-a", new Sats(1_000));
        var registration = await index.SignedAsync(worker);

        var problem = await index.RefusedAsync(new AgentSubmission(registration with { PriceSats = 1 }), HttpStatusCode.Forbidden);

        Assert.Contains("does not verify against node_pubkey", problem);
    }

    [Fact]
    public async Task A_registration_signed_by_another_node_than_it_names_is_refused()
    {
        await using var index = await IndexHost.StartAsync();
        var victim = index.Network.CreateFundedNode("victim", new Sats(1_000));
        var mallory = index.Network.CreateFundedNode("mallory", new Sats(1_000));
        // Mallory claims the victim's identity and signs with her own key.
        var forged = await index.SignedAsync(mallory, claimedNode: victim.Id);

        var problem = await index.RefusedAsync(new AgentSubmission(forged), HttpStatusCode.Forbidden);

        Assert.Contains(mallory.Id.ToHex(), problem);
    }

    [Fact]
    public async Task A_forged_signature_value_is_refused()
    {
        await using var index = await IndexHost.StartAsync();
        var worker = index.Network.CreateFundedNode("worker-a", new Sats(1_000));
        var registration = await index.SignedAsync(worker);
        var forged = registration with { Signature = registration.Signature! with { Value = ZBase32.Encode(new byte[65]) } };

        var problem = await index.RefusedAsync(new AgentSubmission(forged), HttpStatusCode.Forbidden);

        Assert.Contains("registration.signature.value", problem);
    }

    [Fact]
    public async Task A_stale_registration_is_refused_and_a_fresh_one_taken()
    {
        await using var index = await IndexHost.StartAsync();
        var worker = index.Network.CreateFundedNode("worker-a", new Sats(1_000));
        var stale = await index.SignedAsync(worker, signedAt: index.Clock.GetUtcNow() - TimeSpan.FromMinutes(11));

        var problem = await index.RefusedAsync(new AgentSubmission(stale), HttpStatusCode.BadRequest);
        Assert.Contains("signed_at", problem);
        Assert.Contains("stale", problem);

        using var fresh = await index.PostAsync(new AgentSubmission(await index.SignedAsync(worker)));
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
    }

    [Theory]
    [InlineData("{}", "registration is required")]
    [InlineData("{\"registration\":{\"type\":\"x\",\"name\":\"n\",\"description\":\"d\",\"services\":[],\"price_sats\":1,\"hardware\":{\"accelerator\":\"cpu\",\"cpu_cores\":1,\"memory_mib\":1,\"platform\":\"p\",\"concurrency\":1}}}", "registration.type")]
    [InlineData("not json", "not an agent submission")]
    public async Task A_malformed_submission_is_a_400_naming_the_problem(string body, string expected)
    {
        await using var index = await IndexHost.StartAsync();
        using var response = await index.Http.PostAsync("/api/v1/agents", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_entry_not_refreshed_expires_and_a_refresh_keeps_it()
    {
        await using var index = await IndexHost.StartAsync();
        var kept = index.Network.CreateFundedNode("kept", new Sats(1_000));
        var dropped = index.Network.CreateFundedNode("dropped", new Sats(1_000));
        (await index.PostAsync(new AgentSubmission(await index.SignedAsync(kept)))).Dispose();
        (await index.PostAsync(new AgentSubmission(await index.SignedAsync(dropped)))).Dispose();
        Assert.Equal(2, (await index.ListAsync("")).GetProperty("total").GetInt32());

        index.Clock.Advance(TimeSpan.FromMinutes(6));
        using (var refreshed = await index.PostAsync(new AgentSubmission(await index.SignedAsync(kept))))
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        index.Clock.Advance(TimeSpan.FromMinutes(5));
        var list = await index.ListAsync("");

        var agent = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(kept.Id.ToHex(), agent.GetProperty("agent_id").GetString());
    }

    [Fact]
    public async Task Search_and_limit_select_and_page_the_agents()
    {
        await using var index = await IndexHost.StartAsync();
        foreach (var name in new[] { "alpha", "beta", "gamma" })
            (await index.PostAsync(new AgentSubmission(await index.SignedAsync(index.Network.CreateFundedNode(name, new Sats(1_000)), name: $"worker-{name}")))).Dispose();

        var page = await index.ListAsync("?limit=2");
        var beta = await index.ListAsync("?search=worker-beta");
        var none = await index.ListAsync("?protocol=A2A");

        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal("worker-beta", Assert.Single(beta.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        using var bad = await index.Http.GetAsync("/api/v1/public/agents?limit=0", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task A_replayed_older_registration_does_not_replace_a_newer_one()
    {
        await using var index = await IndexHost.StartAsync();
        var worker = index.Network.CreateFundedNode("worker-a", new Sats(1_000));
        var older = await index.SignedAsync(worker, bestValBpb: 3.0);
        index.Clock.Advance(TimeSpan.FromMinutes(1));
        (await index.PostAsync(new AgentSubmission(await index.SignedAsync(worker, bestValBpb: 2.0)))).Dispose();

        await index.RefusedAsync(new AgentSubmission(older), HttpStatusCode.Conflict);
        var agent = (await index.ListAsync("")).GetProperty("items")[0];

        Assert.Equal(2.0, agent.GetProperty("best_val_bpb").GetDouble());
    }

    /// <summary>The index routes over a one-silo test cluster on a fake clock, and simnet nodes that sign as workers.</summary>
    private sealed class IndexHost : IAsyncDisposable
    {
        private TestCluster cluster = null!;
        private WebApplication app = null!;

        public FakeTimeProvider Clock { get; } = new();
        public SimnetNetwork Network { get; private set; } = null!;
        public HttpClient Http { get; private set; } = null!;

        public static async Task<IndexHost> StartAsync()
        {
            var host = new IndexHost();
            host.Network = new SimnetNetwork(new SimnetOptions(), host.Clock);
            host.cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, _ => { }, host.Clock);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton(host.cluster.GrainFactory(0));
            builder.Services.AddSingleton<TimeProvider>(host.Clock);
            builder.Services.AddSingleton<ILightningNode>(host.Network.Coordinator);
            builder.Services.AddSingleton(new AgentIndexOptions());
            builder.Services.AddProblemDetails();
            host.app = builder.Build();
            host.app.MapAgentIndexApi();
            await host.app.StartAsync(Ct);
            host.Http = new HttpClient { BaseAddress = new Uri(host.app.Urls.First()) };
            return host;
        }

        /// <summary>A registration in the worker's shape, signed by <paramref name="signer"/> (naming <paramref name="claimedNode"/>, default its own key).</summary>
        public async Task<AgentRegistration> SignedAsync(SimnetNode signer, double? bestValBpb = null, NodeId? claimedNode = null, DateTimeOffset? signedAt = null, string? name = null)
        {
            var unsigned = new AgentRegistration
            {
                Name = name ?? signer.Name, Description = "test worker",
                Services =
                [
                    new AgentService { Name = ResearchNames.ExperimentService, Endpoint = $"http://{signer.Name}.test/experiment", L402 = true, L402Mode = "hold", PriceSats = 50 },
                    new AgentService { Name = ResearchNames.OasfService, Endpoint = "https://github.com/agntcy/oasf/", Skills = [ResearchNames.ModelVersioningSkill] },
                ],
                PriceSats = 50,
                Hardware = new AgentHardware { Accelerator = "cpu", CpuCores = 2, MemoryMib = 1024, Platform = "linux-x64", Concurrency = 1 },
                BestValBpb = bestValBpb,
                Signature = new RegistrationSignature(ResearchNames.SignatureScheme, (claimedNode ?? signer.Id).ToHex(), signedAt ?? Clock.GetUtcNow(), null),
            };
            var value = await signer.SignMessageAsync(RegistrationCanonicalForm.Bytes(unsigned), Ct);
            return unsigned with { Signature = unsigned.Signature with { Value = value } };
        }

        public Task<HttpResponseMessage> PostAsync(AgentSubmission submission) =>
            Http.PostAsync("/api/v1/agents", JsonContent.Create(submission, options: ProtocolJson.Options), Ct);

        public async Task<string> RefusedAsync(AgentSubmission submission, HttpStatusCode status)
        {
            using var response = await PostAsync(submission);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == status, body);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return JsonNode.Parse(body)!["detail"]!.GetValue<string>();
        }

        public Task<JsonElement> ListAsync(string query) => Http.GetFromJsonAsync<JsonElement>("/api/v1/public/agents" + query, Ct);

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await app.DisposeAsync();
            await cluster.DisposeAsync();
            Network.Dispose();
        }
    }
}
