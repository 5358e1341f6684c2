using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using L402Train.Grains.Training;
using L402Train.Model.Corpus;
using L402Train.PeerAgent.Training;
using L402Train.Silo.Hosting;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>GET /corpus serves the KJV's training side, never its held-out chapters, and a peer reads back exactly that.</summary>
public sealed class CorpusEndpointTests : IAsyncLifetime
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-corpus-");
    private readonly List<WebApplication> apps = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps) await app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    private async Task<HttpClient> StartAsync(string corpus)
    {
        var data = dir.CreateSubdirectory(corpus).FullName;
        var settings = SiloSettings.Load(new Dictionary<string, string?>
        {
            ["Store"] = $"sqlite:{Path.Combine(data, "silo.db")}",
            ["DataDir"] = data,
            ["Urls"] = "http://127.0.0.1:0",
            ["Roles"] = "gateway,settler",
        }, new Dictionary<string, string?>(), data);
        var app = SiloHost.Build(settings, training: new TrainingOptions(new TrainingSetup { Corpus = corpus }, new RewardSchedule()));
        apps.Add(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    private static void RequireKjv()
    {
        if (KjvBible.IsInstalled) return;
        if (PostgresDatabase.IsCi) Assert.Fail($"CI=true but {KjvBible.MissingMessage} .ci/run installs it.");
        Assert.Skip(KjvBible.MissingMessage);
    }

    [Fact]
    public async Task The_kjv_training_side_is_served_with_the_hash_status_announces_and_holds_no_held_out_chapter()
    {
        RequireKjv();
        var ct = TestContext.Current.CancellationToken;
        using var http = await StartAsync(CorpusNames.Kjv);
        var status = await http.GetFromJsonAsync<L402Train.Protocol.Status.SiloStatus>("/status", CoordinatorClient.Json, ct);
        var setup = status!.Training!.Setup;
        Assert.Equal(CorpusNames.Kjv, setup.Corpus);

        using var response = await http.GetAsync("/corpus", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal(setup.CorpusSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal($"\"{setup.CorpusSha256}\"", response.Headers.ETag?.Tag);

        // The split is the one the silo's own secret seed cuts: its held-out chapters are not in the text.
        var seed = ulong.Parse(await File.ReadAllTextAsync(Path.Combine(dir.FullName, CorpusNames.Kjv, "heldout-seed"), ct), System.Globalization.CultureInfo.InvariantCulture);
        var split = KjvSplit.Create(KjvBible.Chapters(), seed);
        Assert.Equal(split.TrainingTextSha256, setup.CorpusSha256);
        var served = System.Text.Encoding.UTF8.GetString(bytes);
        foreach (var chapter in split.HeldOut.Where(c => c.Text.Length > 2000).Take(10))
        {
            Assert.DoesNotContain(chapter.Text, served, StringComparison.Ordinal);
        }

        var documents = await new CoordinatorClient(http).TrainingTextAsync(setup.CorpusSha256!, ct);
        Assert.Equal(split.Train.Select(c => c.Text), documents);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/corpus");
        again.Headers.IfNoneMatch.ParseAdd(response.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again, ct)).StatusCode);

        // A peer that is sent other text than /status announced refuses it.
        await Assert.ThrowsAsync<InvalidDataException>(() => new CoordinatorClient(http).TrainingTextAsync(new string('0', 64), ct));
    }

    [Fact]
    public async Task A_generated_corpus_has_nothing_to_download_and_says_why()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = await StartAsync(CorpusNames.Generated);
        using var response = await http.GetAsync("/corpus", ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Contains("corpus_seed", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var status = await http.GetFromJsonAsync<L402Train.Protocol.Status.SiloStatus>("/status", CoordinatorClient.Json, ct);
        Assert.Equal(CorpusNames.Generated, status!.Training!.Setup.Corpus);
        Assert.Null(status.Training.Setup.CorpusSha256);
    }
}
