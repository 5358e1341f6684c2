using System.Diagnostics;
using L402Train.Testing;
using Microsoft.Data.Sqlite;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// The README's commands run through <c>dotnet run --project silo</c>: the data directory and
/// reports land in the folder the user ran them from, not inside the project.
/// </summary>
public sealed class DotnetRunTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-dotnet-run-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Dotnet_run_keeps_the_callers_folder_so_the_default_data_lands_in_its_data_folder()
    {
        // The configuration this test was built in, so --no-build finds the silo built alongside it.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = dir.FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "run", "--no-build", "-c", configuration, "--project", RepositoryRoot.Combine("silo"), "--", "migrate" }) info.ArgumentList.Add(arg);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("L402TRAIN_", StringComparison.OrdinalIgnoreCase)).ToList()) info.Environment.Remove(key);

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, await output + await error);
        Assert.True(File.Exists(Path.Combine(dir.FullName, "data", "l402train.db")), await output);
        Assert.Contains(Path.Combine(dir.FullName, "data", "l402train.db"), await output, StringComparison.Ordinal);
    }
}
