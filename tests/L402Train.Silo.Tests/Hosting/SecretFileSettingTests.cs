using L402Train.Silo.Commands;
using Microsoft.Data.Sqlite;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// <c>--secret-file</c>: the server secret read from a file the operator provides (a mounted Kubernetes
/// Secret) instead of <c>l402-secret</c> under <c>--data-dir</c>, with the same permission check.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretFileSettingTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-secret-file-");

    private string DataDir => Path.Combine(dir.FullName, "data");

    private string SecretPath => Path.Combine(dir.FullName, "secrets", "server-secret");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    private void WriteSecret(string content, UnixFileMode mode)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SecretPath)!);
        File.WriteAllText(SecretPath, content);
        File.SetUnixFileMode(SecretPath, mode);
    }

    private async Task<(int Code, string Out, string Error)> LedgerCheckAsync(params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName)
            .InvokeAsync(["ledger", "check", "--data-dir", DataDir, .. extra], output, error, TestContext.Current.CancellationToken);
        SqliteConnection.ClearAllPools();
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task The_silo_uses_the_given_file_and_creates_no_secret_of_its_own()
    {
        WriteSecret($"1:{new string('a', 64)}\n", OwnerOnly);

        var (code, output, error) = await LedgerCheckAsync("--secret-file", SecretPath);

        Assert.True(code == 0, output + error);
        Assert.False(File.Exists(Path.Combine(DataDir, "l402-secret")));
        Assert.Equal($"1:{new string('a', 64)}\n", File.ReadAllText(SecretPath));
    }

    [Fact]
    public async Task A_secret_file_group_or_others_can_read_stops_start_up_with_the_chmod()
    {
        WriteSecret($"1:{new string('a', 64)}", OwnerOnly | UnixFileMode.GroupRead);

        var (code, output, error) = await LedgerCheckAsync("--secret-file", SecretPath);

        Assert.Equal(SiloCommandLine.SettingError, code);
        Assert.Equal($"error: {SecretPath} holds a secret but its permissions (0640) let group or others read it; run: chmod 600 {SecretPath}", error.Trim());
        Assert.DoesNotContain("reconciled", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_secret_file_is_named_and_never_created()
    {
        var (code, _, error) = await LedgerCheckAsync("--secret-file", SecretPath);

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --secret-file (or L402TRAIN_SECRETFILE, ", line, StringComparison.Ordinal);
        Assert.Contains($"no file at '{SecretPath}'", line, StringComparison.Ordinal);
        Assert.False(File.Exists(SecretPath));
    }

    [Theory]
    [InlineData("not a secret", "is not a server secret")]
    [InlineData("1:abcd", "at least 32 bytes")]
    [InlineData("1:zz", "is not a server secret")]
    public async Task A_file_that_is_not_a_server_secret_is_one_line_naming_the_setting(string content, string problem)
    {
        WriteSecret(content, OwnerOnly);

        var (code, _, error) = await LedgerCheckAsync("--secret-file", SecretPath);

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --secret-file ", line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
        Assert.DoesNotContain(content, line.Replace(SecretPath, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
