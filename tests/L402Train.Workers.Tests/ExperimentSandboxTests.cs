using L402Train.Lightning;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using L402Train.Grains.Workers;
using L402Train.Runtime;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>
/// An experiment archive runs in the bounty sandbox and is held as a bounty diff is: no network, no host files or
/// secrets, CPU and memory limits; an archive that tries to escape its folder is refused.
/// </summary>
public sealed class ExperimentSandboxTests : IDisposable
{
    private static readonly SandboxLimits Small = new(
        CpuTime: TimeSpan.FromSeconds(2), MemoryBytes: 256L << 20, Processes: 32, FileSizeBytes: 1 << 20,
        WallClock: TimeSpan.FromSeconds(15), OutputBytes: 16 << 10, TmpBytes: 8L << 20);

    private readonly string root = Path.Combine(Path.GetTempPath(), "l402-experiment-test-" + Guid.NewGuid().ToString("N"));
    private readonly FileSystemBlobStore blobs;
    private readonly SandboxedExperiment experiment;

    public ExperimentSandboxTests()
    {
        Directory.CreateDirectory(root);
        // Others may traverse but not list: the sandbox user (when the tests run as root) must reach the copies.
        File.SetUnixFileMode(root, (UnixFileMode)0b111_001_001);
        blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
        var scratch = Path.Combine(root, "scratch");
        var options = new WorkerOptions { SandboxLimits = Small, RunDeadline = TimeSpan.FromMinutes(1) };
        experiment = new SandboxedExperiment(new BubblewrapSandbox(new SandboxOptions { ScratchRoot = scratch }, TimeProvider.System), blobs, options, scratch);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task An_experiment_cannot_reach_the_network()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var outcome = await RunAsync($"if bash -c 'echo hi > /dev/tcp/127.0.0.1/{port}' 2>/dev/null; then c=1; else c=0; fi; echo \"{{\\\"connected\\\": $c}}\"");

        Assert.Equal(ExperimentStage.Completed, outcome.Stage);
        Assert.Equal(0, outcome.Metrics!["connected"]);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task An_experiment_reads_neither_host_files_nor_the_silo_environment()
    {
        var secrets = Path.Combine(root, "secrets");
        Directory.CreateDirectory(secrets);
        File.WriteAllText(Path.Combine(secrets, "l402-secret"), "1:host-secret-value");
        Environment.SetEnvironmentVariable("L402TRAIN_WORKER_TEST_SECRET", "env-secret-value");

        var outcome = await RunAsync(
            $"cat {secrets}/l402-secret /proc/1/environ 2>/dev/null; env; if [ -e {secrets} ]; then s=1; else s=0; fi; echo \"{{\\\"sees_secrets\\\": $s}}\"");

        Assert.Equal(ExperimentStage.Completed, outcome.Stage);
        Assert.Equal(0, outcome.Metrics!["sees_secrets"]);
        Assert.DoesNotContain("host-secret-value", outcome.OutputTail, StringComparison.Ordinal);
        Assert.DoesNotContain("env-secret-value", outcome.OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_experiment_that_spins_is_stopped_at_the_cpu_limit_and_delivered_as_failed()
    {
        var outcome = await RunAsync("while :; do :; done");

        Assert.Equal(ExperimentStage.Failed, outcome.Stage);
        Assert.Contains("CPU-time", outcome.Error);
    }

    [Fact]
    public async Task An_experiment_that_hoards_memory_is_stopped_at_the_memory_limit()
    {
        var outcome = await RunAsync("awk 'BEGIN { s = \"x\"; while (1) s = s s }'");

        Assert.Equal(ExperimentStage.Failed, outcome.Stage);
        Assert.Contains("memory", outcome.Error);
    }

    [Fact]
    public async Task An_archive_with_a_link_out_of_its_folder_is_refused()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
        {
            tar.WriteEntry(new UstarTarEntry(TarEntryType.SymbolicLink, "secret") { LinkName = "/etc/shadow" });
        }

        var outcome = await RunAsync("cat secret", buffer.ToArray());

        Assert.Equal(ExperimentStage.Failed, outcome.Stage);
        Assert.Contains("archive was refused", outcome.Error);
    }

    [Theory]
    [InlineData("{\"val_bpb\": 1.5}", true)]
    [InlineData("{\"name\": \"no numbers\"}", false)]
    [InlineData("[1, 2]", false)]
    [InlineData("1.5", false)]
    [InlineData("", false)]
    public void Metrics_are_the_numeric_members_of_the_last_line(string lastLine, bool reads)
    {
        Assert.Equal(reads, SandboxedExperiment.TryReadMetrics("log line\n" + lastLine + "\n", out var metrics, out var error));
        Assert.Equal(reads, error.Length == 0);
        if (reads) Assert.Equal(1.5, metrics["val_bpb"]);
    }

    private async Task<ExperimentOutcome> RunAsync(string script, byte[]? archive = null)
    {
        archive ??= BountyArchive.Create(new Dictionary<string, string> { ["run.sh"] = script + "\n" });
        using var content = new MemoryStream(archive);
        var blob = await blobs.PutAsync(content, Ct);
        var filing = new ExperimentFiling("exp-test", ExperimentRunKind.Archive, null, blob.ToString(), "sh run.sh", null, 15, "sha256:00", "00", new Sats(1), "00");
        return await experiment.RunAsync(filing, Ct);
    }
}
