using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;
using Microsoft.Data.Sqlite;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>The data directory and its secrets are private to their owner, and a silo refuses to start on a secret others can read.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretFilesTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-secrets-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DataDir => Path.Combine(dir.FullName, "nested", "data");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_fresh_data_directory_is_0700_and_its_secrets_0600()
    {
        var (code, output, error) = await LedgerCheckAsync();
        Assert.True(code == 0, output + error);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(DataDir));
        foreach (var secret in new[] { "l402-secret", "heldout-seed", "simnet.db" })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(DataDir, secret)));
        foreach (var sidecar in Directory.GetFiles(DataDir, "simnet.db-*"))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(sidecar));
    }

    [Theory]
    [InlineData("l402-secret")]
    [InlineData("heldout-seed")]
    [InlineData("simnet.db")]
    public async Task A_secret_that_group_or_others_can_read_stops_start_up_with_one_line_naming_the_chmod(string secret)
    {
        Assert.Equal(0, (await LedgerCheckAsync()).Code);
        var path = Path.Combine(DataDir, secret);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (code, output, error) = await LedgerCheckAsync();

        Assert.Equal(SiloCommandLine.SettingError, code);
        Assert.Equal($"error: {path} holds a secret but its permissions (0644) let group or others read it; run: chmod 600 {path}", error.Trim());
        Assert.DoesNotContain("reconciled", output, StringComparison.Ordinal);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(0, (await LedgerCheckAsync()).Code);
    }

    [Fact]
    public async Task Concurrent_writers_of_one_secret_all_end_with_the_first_writers_value_and_leave_no_temporary_file()
    {
        // Silos starting together on one shared data directory: many writers, one process here (threads share a process id as pods share PID 1).
        const int Writers = 16;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var path = Path.Combine(DataDir, $"secret-{attempt}");
            using var start = new Barrier(Writers);
            var writers = Enumerable.Range(0, Writers).Select(i => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait(Ct);
                return SecretFiles.WriteOnce(path, $"value-{i}");
            }, Ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();

            var seen = await Task.WhenAll(writers);

            var stored = await File.ReadAllTextAsync(path, Ct);
            Assert.Matches("^value-[0-9]+$", stored);
            Assert.All(seen, value => Assert.Equal(stored, value));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        Assert.Empty(Directory.GetFiles(DataDir, "*.tmp"));
    }

    [Fact]
    public async Task A_writer_that_finds_the_secret_written_keeps_and_returns_the_existing_value()
    {
        var path = Path.Combine(DataDir, "l402-secret");
        Assert.Equal("first", SecretFiles.WriteOnce(path, "first"));

        Assert.Equal("first", SecretFiles.WriteOnce(path, "second"));

        Assert.Equal("first", await File.ReadAllTextAsync(path, Ct));
        Assert.Equal([path], Directory.GetFiles(DataDir));
    }

    private async Task<(int Code, string Out, string Error)> LedgerCheckAsync()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName).InvokeAsync(["ledger", "check", "--data-dir", DataDir], output, error, Ct);
        SqliteConnection.ClearAllPools();
        return (code, output.ToString(), error.ToString());
    }
}
