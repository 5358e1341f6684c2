using L402Train.Silo.Commands;
using L402Train.Testing;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>
/// A worker that sells archive experiments checks at start that bubblewrap runs a trivial sandboxed command (the
/// bounty evals' own sandbox code); when it does not, the worker refuses to start with one line naming the problem
/// and both fixes (install bubblewrap, or <c>--worker-archives off</c>). The sandbox is injected as <c>--bwrap</c>.
/// </summary>
public sealed class WorkerSandboxCheckTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-worker-bwrap-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task A_worker_without_bubblewrap_refuses_to_start_with_one_line_naming_both_fixes()
    {
        var missing = Path.Combine(dir.FullName, "no-such-bwrap");

        var line = await RefusedStartAsync(missing);

        Assert.StartsWith("--bwrap ", line, StringComparison.Ordinal);
        Assert.Contains($"bubblewrap is not installed at '{missing}'", line, StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap", line, StringComparison.Ordinal);
        Assert.Contains("--worker-archives off", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_whose_bubblewrap_cannot_sandbox_refuses_to_start_quoting_its_error()
    {
        // Installed but unusable, as on a host that forbids unprivileged user namespaces.
        var broken = FakeBubblewrap("echo 'bwrap: No permissions to create new namespace' >&2\nexit 1\n");

        var line = await RefusedStartAsync(broken);

        Assert.StartsWith("--bwrap ", line, StringComparison.Ordinal);
        Assert.Contains("No permissions to create new namespace", line, StringComparison.Ordinal);
        Assert.Contains("--worker-archives off", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_whose_sandboxed_command_hangs_refuses_to_start_after_the_check_timeout()
    {
        var hanging = FakeBubblewrap("exec sleep 600\n");

        var line = await RefusedStartAsync(hanging, TimeSpan.FromSeconds(1));

        Assert.Contains("did not finish within 1 s", line, StringComparison.Ordinal);
        Assert.Contains("--worker-archives off", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_with_archives_off_starts_without_bubblewrap()
    {
        await using var silo = await EmbeddedSilo.StartAsync("worker-no-archives", s => s with
        {
            Roles = new HashSet<string>(["worker"], StringComparer.OrdinalIgnoreCase),
            BubblewrapPath = Path.Combine(dir.FullName, "no-such-bwrap"),
            Workers = s.Workers with { ArchivesOffered = false },
        }, Ct);

        using var alive = await silo.Http.GetAsync("/alive", Ct);
        Assert.True(alive.IsSuccessStatusCode);
    }

    // The start fails, and the line the operator sees is what StartupFailure makes of it (less its "error: ").
    private async Task<string> RefusedStartAsync(string bubblewrap, TimeSpan? checkTimeout = null)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => EmbeddedSilo.StartAsync("worker-bwrap", s => s with
        {
            Roles = new HashSet<string>(["worker"], StringComparer.OrdinalIgnoreCase),
            BubblewrapPath = bubblewrap,
            Workers = s.Workers with { SandboxCheckTimeout = checkTimeout ?? s.Workers.SandboxCheckTimeout },
        }, Ct));
        var line = StartupFailure.Describe(failure);
        Assert.NotNull(line);
        Assert.DoesNotContain("\n", line, StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        return line;
    }

    private string FakeBubblewrap(string body)
    {
        var path = Path.Combine(dir.FullName, $"bwrap-{Guid.NewGuid():N}");
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        // Run as the sandbox's unprivileged user when the tests run as root (through setpriv): readable and traversable by all.
        const UnixFileMode everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(dir.FullName, everyone);
        File.SetUnixFileMode(path, everyone);
        return path;
    }
}
