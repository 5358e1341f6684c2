using System.Net;
using System.Text.Json;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Training;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// <c>silo serve --tracks bounties</c>: the real silo without the training track serves no training route,
/// runs no training job, writes no checkpoint, and its discovery documents describe the bounties alone.
/// (The seed bounty flow on it is <c>SeedClientFlowTests</c>.)
/// </summary>
public sealed class BountyOnlySiloTests : IAsyncLifetime
{
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => silo!.Http;

    public async ValueTask InitializeAsync() =>
        silo = await EmbeddedSilo.StartAsync("bounty-only", s => s with { Tracks = new HashSet<string>(["bounties"], StringComparer.OrdinalIgnoreCase) }, Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", "/reward-schedule")]
    [InlineData("GET", "/checkpoint")]
    [InlineData("GET", "/corpus")]
    [InlineData("GET", "/rounds/1")]
    [InlineData("GET", "/submissions/abc")]
    [InlineData("POST", "/submissions/abc/claim")]
    [InlineData("PUT", "/gradient")]
    public async Task Training_routes_answer_404(string method, string path)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task It_has_no_training_services_and_writes_no_checkpoint()
    {
        using var bounties = await Http.GetAsync("/bounties", Ct);

        Assert.Equal(HttpStatusCode.OK, bounties.StatusCode);
        Assert.Null(silo!.App.Services.GetService<RewardSchedule>());
        Assert.Null(silo.App.Services.GetService<ICheckpointStore>());
        Assert.False(File.Exists(Path.Combine(silo.DataDir.FullName, "heldout-seed")), "the training track's held-out seed was written");
        var blobs = Path.Combine(silo.DataDir.FullName, "blobs");
        Assert.True(!Directory.Exists(blobs) || Directory.GetFiles(blobs, "*", SearchOption.AllDirectories).Length == 0, "a checkpoint blob was written");
    }

    [Fact]
    public async Task Status_json_ai_json_llms_txt_and_openapi_describe_the_bounties_alone()
    {
        var rules = silo!.App.Services.GetRequiredService<BountyRules>();
        using var status = JsonDocument.Parse(await Http.GetStringAsync("/status.json", Ct));
        var tracks = status.RootElement.GetProperty("tracks");
        Assert.True(!tracks.TryGetProperty("training", out var training) || training.ValueKind == JsonValueKind.Null, $"status.json has a training track: {tracks}");
        Assert.Equal(rules.AccessPriceSat, tracks.GetProperty("bounties").GetProperty("price_sats").GetInt64());

        using var ai = JsonDocument.Parse(await Http.GetStringAsync("/.well-known/ai.json", Ct));
        var paths = ai.RootElement.GetProperty("endpoints").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToList();
        Assert.Contains("/bounty/{id}", paths);
        Assert.DoesNotContain(paths, IsTrainingPath);

        var llms = await Http.GetStringAsync("/llms-full.txt", Ct);
        Assert.Contains("/bounty/{id}", llms, StringComparison.Ordinal);
        Assert.DoesNotContain("Training:", llms, StringComparison.Ordinal);
        Assert.DoesNotContain("`GET /checkpoint`", llms, StringComparison.Ordinal);

        using var openapi = JsonDocument.Parse(await Http.GetStringAsync("/api/openapi.json", Ct));
        var operations = openapi.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/bounty/{id}/submit", operations);
        Assert.DoesNotContain(operations, IsTrainingPath);
    }

    private static bool IsTrainingPath(string path) =>
        path is "/reward-schedule" or "/checkpoint" or "/corpus" || path.StartsWith("/rounds", StringComparison.Ordinal) || path.StartsWith("/submissions", StringComparison.Ordinal)
        || path.StartsWith("/gradient", StringComparison.Ordinal);
}
