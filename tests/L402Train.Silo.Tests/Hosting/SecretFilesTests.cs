using L402Train.Silo.Commands;
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

    private async Task<(int Code, string Out, string Error)> LedgerCheckAsync()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName).InvokeAsync(["ledger", "check", "--data-dir", DataDir], output, error, Ct);
        SqliteConnection.ClearAllPools();
        return (code, output.ToString(), error.ToString());
    }
}
