using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using L402Train.Bounties.Sandbox;
using Xunit;

namespace L402Train.Bounties.Tests.Sandbox;

public sealed class BubblewrapSandboxTests : IDisposable
{
    private readonly SandboxScratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task Network_access_fails_inside_the_sandbox()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connect = $"if bash -c 'echo hello > /dev/tcp/127.0.0.1/{port}' 2>/dev/null; then echo 1; else echo 0; fi";

        // The same command reaches the listener from the host, so a 0 below means the sandbox blocked it.
        Assert.Equal("1", await RunOnHostAsync(connect));
        using (var accepted = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken)) { }

        var result = await scratch.RunAsync(connect + "; awk -F: 'NR > 2 { print $1 }' /proc/net/dev >&2");
        Assert.Equal(0, result.Score);
        Assert.False(listener.Pending());
        // The sandbox's network namespace holds nothing but its own loopback device.
        Assert.Equal("lo", result.Stderr.Trim());
    }

    [Fact]
    public async Task Reading_the_held_out_set_during_the_public_run_fails()
    {
        var publicSet = scratch.HostDirectory("public", ("labels.txt", "public-labels"));
        var heldOut = scratch.HostDirectory("heldout", ("labels.txt", "held-out-labels"));
        var probe = $"cat {heldOut}/labels.txt /data/heldout/labels.txt 2>/dev/null; cat /data/labels.txt; echo; " +
            $"if [ -e {heldOut} ]; then echo 1; else echo 0; fi";

        var publicRun = await scratch.RunAsync(probe, publicSet);
        Assert.Equal(0, publicRun.Score);
        Assert.Contains("public-labels", publicRun.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("held-out-labels", publicRun.Stdout, StringComparison.Ordinal);

        // The held-out run sees its own set, at the same path, and the stored copy stays read-only.
        var heldOutRun = await scratch.RunAsync("cat /data/labels.txt; echo tampered > /data/labels.txt; echo 1", heldOut);
        Assert.Contains("held-out-labels", heldOutRun.Stdout, StringComparison.Ordinal);
        Assert.Equal("held-out-labels", File.ReadAllText(Path.Combine(heldOut, "labels.txt")));
        Assert.Contains("Read-only file system", heldOutRun.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writing_outside_the_working_copy_fails()
    {
        var outside = scratch.HostDirectory("outside");
        // World-writable on the host, so only the sandbox's mounts can stop the write.
        File.SetUnixFileMode(outside, (UnixFileMode)0b111_111_111);
        using var copy = scratch.NewWorkingCopy();
        var command = string.Join("; ",
            $"echo x > {outside}/escaped",
            "echo x > /usr/escaped", "echo x > /escaped", "echo x > /etc/escaped",
            "echo inside > result.txt", "cat result.txt",
            "set -- /usr/escaped /escaped /etc/escaped; n=0; for f; do [ -e $f ] && n=$((n+1)); done; echo $n");

        var result = await scratch.RunInAsync(copy, command + " 2>/dev/null");

        Assert.Equal(0, result.Score);
        Assert.False(File.Exists(Path.Combine(outside, "escaped")));
        Assert.False(File.Exists("/usr/escaped"));
        // The working copy is writable inside, and what the eval writes stays there: the prepared copy is untouched.
        Assert.StartsWith("inside\n", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(copy.Path, "result.txt")));
    }

    [Fact]
    public async Task A_fork_bomb_is_held_to_the_process_limit()
    {
        var limits = SandboxScratch.Small with { Processes = 16 };
        // Every bomb process forks two more and then blocks on a FIFO nobody writes, so the
        // population only grows. The shell then samples its PID namespace with builtins alone (it
        // could not fork any more), counting every process that still holds a slot, and prints the peak.
        var command = """
            mkfifo /tmp/hold
            bomb() { bomb & bomb & read x < /tmp/hold; }
            ( bomb ) 2>/dev/null &
            i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done
            peak=0; i=0
            while [ $i -lt 100 ]; do
              n=0
              for p in /proc/[0-9]*; do
                read s < $p/stat 2>/dev/null || continue
                set -- $s
                [ "$3" = X ] || n=$((n+1))
              done
              [ $n -gt $peak ] && peak=$n
              i=$((i+1))
            done
            echo $peak
            """;

        var result = await scratch.RunAsync(command, limits: limits);

        Assert.NotNull(result.Score);
        Assert.InRange(result.Score!.Value, limits.Processes / 2, limits.Processes);
        Assert.False(result.TimedOut);
    }

    [Fact]
    public async Task A_fork_bomb_in_one_sandbox_does_not_starve_another()
    {
        using var bombCopy = scratch.NewWorkingCopy();
        // The eval's writes stay in its own tmpfs, so it signals through a FIFO in the prepared copy
        // (mounted read-only at /source; a FIFO can still be written through a read-only mount).
        var fifo = Path.Combine(bombCopy.Path, "saturated");
        Assert.Equal("", await RunOnHostAsync($"mkfifo -m 666 {fifo}"));
        var saturated = Task.Run(() => File.ReadAllText(fifo), TestContext.Current.CancellationToken);
        // Saturates its own process limit, says so with a builtin redirect, then holds until killed.
        var bomb = scratch.RunInAsync(bombCopy,
            "mkfifo /tmp/hold; bomb() { bomb & bomb & read x < /tmp/hold; }; ( bomb ) 2>/dev/null & " +
            "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo > /source/saturated; read x < /tmp/hold",
            limits: SandboxScratch.Small with { Processes = 16, WallClock = TimeSpan.FromSeconds(4) });
        await saturated.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var neighbour = await scratch.RunAsync("for i in 1 2 3 4 5 6 7 8; do sleep 0.1 & done; wait; echo 1",
            limits: SandboxScratch.Small with { Processes = 16 });

        Assert.Equal(1, neighbour.Score);
        Assert.True((await bomb).TimedOut);
    }

    [Fact]
    public async Task A_memory_bomb_fails_at_the_memory_limit()
    {
        var limits = SandboxScratch.Small with { MemoryBytes = 64L << 20 };

        var result = await scratch.RunAsync("awk 'BEGIN { s = \"x\"; while (1) s = s s }'", limits: limits);

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.Equal(SandboxLimit.Memory, result.LimitHit);
        Assert.Null(result.Score);
    }

    [Fact]
    public async Task An_infinite_loop_is_stopped_at_the_cpu_limit()
    {
        var limits = SandboxScratch.Small with { CpuTime = TimeSpan.FromSeconds(1) };

        var result = await scratch.RunAsync("while :; do :; done", limits: limits);

        Assert.Equal(SandboxLimit.CpuTime, result.LimitHit);
        Assert.False(result.TimedOut);
        Assert.Null(result.Score);
        Assert.True(result.WallTime < limits.WallClock, $"wall time {result.WallTime}");
    }

    [Fact]
    public async Task A_sleeping_eval_is_killed_with_all_its_children_at_the_wall_clock_limit()
    {
        var limits = SandboxScratch.Small with { WallClock = TimeSpan.FromSeconds(1) };
        var marker = 1000 + Random.Shared.Next(100_000);

        var result = await scratch.RunAsync($"sleep {marker} & sleep {marker} & wait", limits: limits);

        Assert.True(result.TimedOut);
        Assert.Equal(SandboxLimit.WallClock, result.LimitHit);
        Assert.Null(result.Score);
        Assert.Empty(ProcessesRunning($"sleep {marker}"));
    }

    [Fact]
    public async Task A_flood_of_output_is_capped_and_the_score_still_read_from_the_last_line()
    {
        var limits = SandboxScratch.Small with { OutputBytes = 4096 };

        var result = await scratch.RunAsync(
            "head -c 3000000 /dev/zero | tr '\\0' e >&2; head -c 3000000 /dev/zero | tr '\\0' o; echo; echo 42", limits: limits);

        Assert.Equal(42, result.Score);
        Assert.True(result.StdoutTruncated);
        Assert.True(result.StderrTruncated);
        Assert.Equal(4096, result.Stdout.Length);
        Assert.Equal(4096, result.Stderr.Length);
    }

    [Fact]
    public async Task A_file_larger_than_the_limit_cannot_be_written()
    {
        var limits = SandboxScratch.Small with { FileSizeBytes = 10_000 };
        using var copy = scratch.NewWorkingCopy();

        var result = await scratch.RunInAsync(copy, "head -c 100000 /dev/zero > big; wc -c < big >&2; exit 1", limits: limits);

        Assert.Equal(SandboxLimit.FileSize, result.LimitHit);
        Assert.True(long.Parse(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim(), System.Globalization.CultureInfo.InvariantCulture) <= 10_000, result.Stderr);
    }

    [Fact]
    public async Task The_score_is_the_last_non_empty_line_of_stdout()
    {
        var result = await scratch.RunAsync("echo 0.5; echo accuracy follows; echo '  0.75  '; echo; echo 0.9 >&2");

        Assert.Equal(0.75, result.Score);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(SandboxLimit.None, result.LimitHit);
    }

    [Fact]
    public async Task A_failing_eval_has_no_score_even_when_it_prints_one()
    {
        var result = await scratch.RunAsync("echo 0.99; exit 3");

        Assert.Null(result.Score);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("code 3", result.ScoreError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_bubblewrap_is_reported_clearly()
    {
        scratch.Options.BubblewrapPath = "/nonexistent/bwrap";

        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => scratch.Sandbox.EnsureAvailableAsync(TestContext.Current.CancellationToken));

        Assert.Contains("bubblewrap was not found at '/nonexistent/bwrap'", error.Message, StringComparison.Ordinal);
        Assert.Contains("BubblewrapPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_reports_itself_available_on_this_host()
    {
        await scratch.Sandbox.EnsureAvailableAsync(TestContext.Current.CancellationToken);
    }

    private static List<int> ProcessesRunning(string commandLine) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => (Dir: d, Ok: int.TryParse(Path.GetFileName(d), out var pid), Pid: pid))
            .Where(p => p.Ok && ReadCommandLine(p.Dir) == commandLine)
            .Select(p => p.Pid)
            .ToList();

    private static string ReadCommandLine(string dir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static async Task<string> RunOnHostAsync(string command)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return output.Trim();
    }
}
