using System.Text.Json;
using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace L402Train.Board.Tests;

/// <summary>
/// A short <c>silo demo</c> (two rounds of two honest peers, and the shipped bounty with one agent),
/// then silos serving its two data directories as <c>silo serve</c> would, and a headless Chromium:
/// shared by the board's browser tests, which only read.
/// </summary>
public sealed class DemoBoardFixture : IAsyncLifetime
{
    /// <summary>Rounds the demo runs.</summary>
    public const int Rounds = 2;

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-board-");
    private IPlaywright? playwright;

    /// <summary>The demo's report.</summary>
    public JsonDocument Report { get; private set; } = null!;

    /// <summary>The silo serving the demo's data.</summary>
    public WebApplication App { get; private set; } = null!;

    /// <summary>Its base URL.</summary>
    public string Url => App.Urls.First();

    /// <summary>The silo serving the demo's bounty cluster (the demo runs the bounty track in a cluster of its own).</summary>
    public WebApplication BountyApp { get; private set; } = null!;

    /// <summary>Its base URL.</summary>
    public string BountyUrl => BountyApp.Urls.First();

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots and figures go: <c>artifacts/board</c> under the repository root.</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(RepositoryRoot.Combine("artifacts", "board")).FullName;

    public async ValueTask InitializeAsync()
    {
        // Without Chromium each test skips (or fails in CI) on its own first line; nothing to set up.
        if (!ChromiumBrowser.IsInstalled) return;
        (playwright, Browser) = await ChromiumBrowser.LaunchAsync();
        var cluster = Path.Combine(dir.FullName, "cluster");
        var report = Path.Combine(dir.FullName, "report.json");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName).InvokeAsync(
            ["demo", "--profiles", "honest,honest", "--rounds", Rounds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--inner-steps", "2",
                "--bounty-agents", "1", "--bounty-iterations", "6", "--data-dir", cluster, "--report", report], output, error);
        Assert.True(code == 0, output.ToString() + error.ToString());
        Report = JsonDocument.Parse(await File.ReadAllTextAsync(report));

        App = await ServeAsync(cluster);
        BountyApp = await ServeAsync(Path.Combine(cluster, "bounties"));
    }

    private async Task<WebApplication> ServeAsync(string dataDir)
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["DataDir"] = dataDir, ["Urls"] = "http://127.0.0.1:0" },
            new Dictionary<string, string?>(), dir.FullName);
        var app = SiloHost.Build(settings);
        await app.StartAsync();
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        if (App is not null) await App.DisposeAsync();
        if (BountyApp is not null) await BountyApp.DisposeAsync();
        Report?.Dispose();
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }
}
