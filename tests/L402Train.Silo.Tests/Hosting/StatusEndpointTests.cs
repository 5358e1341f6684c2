using System.Net;
using System.Net.Http.Json;
using L402Train.Protocol.Status;
using L402Train.Runtime;
using L402Train.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Silo.Tests.Hosting;

public sealed class StatusEndpointTests : IAsyncLifetime
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-silo-");
    private WebApplication? app;
    private HttpClient? http;

    private string DatabasePath => Path.Combine(dir.FullName, "silo.db");

    public async ValueTask InitializeAsync()
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?>
        {
            ["Store"] = $"sqlite:{DatabasePath}",
            ["Urls"] = "http://127.0.0.1:0",
            ["Roles"] = "gateway,settler",
            ["SiloId"] = "silo-test",
        }, new Dictionary<string, string?>(), dir.FullName);
        app = SiloHost.Build(settings);
        await app.StartAsync();
        http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public async ValueTask DisposeAsync()
    {
        http?.Dispose();
        if (app is not null) await app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Status_reports_version_store_kind_silo_id_and_roles()
    {
        var status = await http!.GetFromJsonAsync<L402Train.Protocol.Status.SiloStatus>("/status", L402Train.Gateway.Apis.HttpJson.Options);

        Assert.Equal("sqlite", status!.Store);
        Assert.Equal("silo-test", status.SiloId);
        Assert.Equal(["gateway", "settler"], status.Roles);
        Assert.Matches(@"^\d+\.\d+\.\d+", status.Version);
        Assert.Equal(1, status.Training!.Round);
        Assert.Equal(0, status.Training.Checkpoint!.Version);
    }

    [Fact]
    public async Task The_openapi_document_lists_both_tracks_endpoints()
    {
        using var document = await System.Text.Json.JsonDocument.ParseAsync(await http!.GetStreamAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");

        foreach (var path in new[] { "/status", "/checkpoint", "/gradient", "/submissions/{id}/claim", "/bounties", "/bounty/{id}", "/bounty/{id}/submit", "/bounty/{id}/leaderboard" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        Assert.Equal("L402Train coordinator", document.RootElement.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Alive_and_health_answer_when_the_store_is_ready()
    {
        var alive = await http!.GetAsync("/alive");
        var health = await http.GetFromJsonAsync<HealthStatus>("/health");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("ready", health!.Status);
        Assert.Contains("silo silo-test is Active", health.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_is_unavailable_while_alive_stays_ok_when_the_schema_is_missing()
    {
        await using (var conn = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "DROP TABLE grain_schema_migrations;";
            await cmd.ExecuteNonQueryAsync();
        }

        var health = await http!.GetAsync("/health");
        var alive = await http.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var body = await health.Content.ReadFromJsonAsync<HealthStatus>();
        Assert.Equal("unavailable", body!.Status);
        Assert.Contains("sqlite", body.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Grains_registered_through_the_host_are_served_by_its_silo()
    {
        var silo = app!.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>();

        Assert.Equal("silo-test", silo.Name);
        await app.Services.GetRequiredService<IGrainStore>().CheckHealthAsync();
        Assert.True(await app.Services.GetRequiredService<JobQueue>().EnqueueAsync(JobRequest.Create("noop", "n1", 1)));
        var run = app.Services.GetRequiredService<IGrainFactory>().GetGrain<Grains.Training.ITrainingRunGrain>(Grains.Training.TrainingRunGrain.MainKey);
        Assert.True((await run.GetAsync()).Started);
    }
}
