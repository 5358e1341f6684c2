using System.Text.Json;
using L402Train.Silo.Commands;
using Microsoft.Data.Sqlite;

namespace L402Train.Silo.Tests.Demo;

/// <summary><c>silo demo</c> on a host without bubblewrap: the training track runs, the bounties are skipped with one line saying how to install it.</summary>
public sealed class DemoWithoutSandboxTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-demo-nobwrap-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Without_bubblewrap_the_training_track_runs_and_the_bounties_are_skipped_with_one_line()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var report = Path.Combine(dir.FullName, "report.json");

        var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName).InvokeAsync(
            ["demo", "--bwrap", Path.Combine(dir.FullName, "no-such-bwrap"), "--profiles", "honest", "--rounds", "1", "--inner-steps", "2",
                "--data-dir", Path.Combine(dir.FullName, "cluster"), "--report", report], output, error);

        Assert.True(code == 0, output.ToString() + error.ToString());
        Assert.Equal("", error.ToString());
        var skipped = Assert.Single(output.ToString().Split('\n'), l => l.Contains("bounty track skipped", StringComparison.Ordinal));
        Assert.Contains("sudo apt-get install bubblewrap", skipped, StringComparison.Ordinal);
        Assert.EndsWith("to run the bounty track", skipped.TrimEnd(), StringComparison.Ordinal); // one line, not wrapped
        Assert.True(output.ToString().Contains($"cluster data (SQLite, blobs, simnet, results.jsonl): {Path.Combine(dir.FullName, "cluster")}", StringComparison.Ordinal), output.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken));
        Assert.Single(json.RootElement.GetProperty("rounds").EnumerateArray());
        Assert.Empty(json.RootElement.GetProperty("bounties").EnumerateArray());
    }

    [Fact]
    public async Task Asking_for_the_bounties_only_without_bubblewrap_exits_2_with_one_line()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName).InvokeAsync(
            ["demo", "--track", "bounties", "--bwrap", Path.Combine(dir.FullName, "no-such-bwrap"), "--data-dir", Path.Combine(dir.FullName, "cluster")], output, error);

        Assert.Equal(2, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("apt-get install bubblewrap", line, StringComparison.Ordinal);
    }
}
