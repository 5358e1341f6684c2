using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using L402Train.Silo.Commands;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// <c>silo serve</c> run as its own process, as an operator runs it: a start-up failure is one
/// <c>error:</c> line naming the fix and a non-zero exit, and nothing else on the console (no stack
/// trace, and not the host's own "Hosting failed to start" log either).
/// </summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-startup-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Serve_without_bubblewrap_exits_with_one_line_naming_the_install_command()
    {
        var (code, output) = await ServeAsync("--bwrap", Path.Combine(dir.FullName, "no-such-bwrap"), "--urls", "http://127.0.0.1:0");

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = FailureLine(output);
        Assert.StartsWith("error: --bwrap ", line, StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_as_a_worker_without_bubblewrap_exits_with_one_line_naming_both_fixes()
    {
        var (code, output) = await ServeAsync("--roles", "worker", "--bwrap", Path.Combine(dir.FullName, "no-such-bwrap"), "--urls", "http://127.0.0.1:0");

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = FailureLine(output);
        Assert.StartsWith("error: --bwrap ", line, StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap", line, StringComparison.Ordinal);
        Assert.Contains("--worker-archives off", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_a_busy_port_exits_with_one_line_naming_the_address()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)busy.LocalEndpoint).Port}";

        var (code, output) = await ServeAsync("--urls", url);

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = FailureLine(output);
        Assert.Equal($"error: --urls: {url} is already in use by another process; stop it or listen elsewhere, e.g. --urls http://127.0.0.1:8403", line);
    }

    [Fact]
    public async Task Serve_with_a_wrong_setting_exits_with_one_line_naming_it()
    {
        var (code, output) = await ServeAsync("--roles", "gateway,wizard");

        Assert.Equal(SiloCommandLine.SettingError, code);
        Assert.StartsWith("error: --roles ", FailureLine(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_appsettings_file_is_one_line_naming_the_file()
    {
        File.WriteAllText(Path.Combine(dir.FullName, "appsettings.json"), """{ "Roles": "gateway", """);

        var (code, output) = await ServeAsync("--urls", "http://127.0.0.1:0");

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = FailureLine(output);
        Assert.StartsWith($"error: {Path.Combine(dir.FullName, "appsettings.json")} is not valid JSON (", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_folder_that_cannot_be_created_is_one_line_naming_data_dir()
    {
        var blocker = Path.Combine(dir.FullName, "a-file");
        File.WriteAllText(blocker, "not a folder");

        var (code, output) = await ServeAsync("--data-dir", Path.Combine(blocker, "data"));

        Assert.Equal(SiloCommandLine.SettingError, code);
        Assert.StartsWith("error: --data-dir ", FailureLine(output), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_an_operator_cannot_fix_is_not_swallowed()
    {
        Assert.Null(StartupFailure.Describe(new InvalidOperationException("a bug", new NullReferenceException())));
    }

    // The whole console: one error line, no trace, no logged failure, no start-up chatter.
    private static string FailureLine(string output)
    {
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd();
        Assert.StartsWith("error:", line, StringComparison.Ordinal);
        return line;
    }

    // The real entry point in its own process: the console is what the operator sees, host logs included.
    private async Task<(int Code, string Output)> ServeAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dir.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "L402Train.Silo.dll"));
        info.ArgumentList.Add("serve");
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("L402TRAIN_", StringComparison.OrdinalIgnoreCase)).ToList()) info.Environment.Remove(key);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
