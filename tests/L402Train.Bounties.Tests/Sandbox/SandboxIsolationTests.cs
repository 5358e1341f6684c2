using L402Train.Bounties.Sandbox;
using Xunit;

namespace L402Train.Bounties.Tests.Sandbox;

/// <summary>What eval code must not see or exhaust: the silo's environment and processes, and disk beyond its quota.</summary>
public sealed class SandboxIsolationTests : IDisposable
{
    private const string SecretName = "L402TRAIN_SECRET_PROBE";
    private readonly SandboxScratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task Eval_code_sees_neither_the_silo_environment_nor_any_process_outside_the_sandbox()
    {
        var secret = "probe-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(SecretName, secret);
        try
        {
            // Every environment a process can read: PID 1's (the launcher in bubblewrap's namespace),
            // every visible process's, its own, and every PID's command line.
            var command = "cat /proc/1/environ; for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do cat $f; echo; done; env; " +
                "n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo $n";

            var result = await scratch.RunAsync(command);

            Assert.DoesNotContain(secret, result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretName, result.Stdout, StringComparison.Ordinal);
            // bubblewrap's own PID 1 carries only the launch allow-list.
            Assert.Contains("PATH=/usr/bin:/bin", result.Stdout, StringComparison.Ordinal);
            // Its own PID namespace: bubblewrap's init, the eval shell and its children, nothing of the host.
            Assert.NotNull(result.Score);
            Assert.InRange(result.Score!.Value, 1, 6);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SecretName, null);
        }
    }

    [Fact]
    public async Task Writing_past_the_working_copy_quota_fails_the_eval_with_a_disk_space_limit()
    {
        // Each file stays under the per-file limit; together they pass the 1 MiB quota of the working copy.
        var limits = SandboxScratch.Small with { WorkBytes = 1L << 20, FileSizeBytes = 1L << 20 };

        var result = await scratch.RunAsync("set -e; for i in 1 2 3 4 5 6 7 8; do head -c 200000 /dev/zero > f$i; done; echo 1", limits: limits);

        Assert.Null(result.Score);
        Assert.Equal(SandboxLimit.DiskSpace, result.LimitHit);
        Assert.Contains("No space left on device", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_working_copy_within_the_quota_is_copied_in_and_writable()
    {
        using var copy = scratch.NewWorkingCopy();
        File.WriteAllText(Path.Combine(copy.Path, "given.txt"), "0.25\n");
        Directory.CreateDirectory(Path.Combine(copy.Path, "sub"));
        File.WriteAllText(Path.Combine(copy.Path, "sub", "more.txt"), "x");

        var result = await scratch.RunInAsync(copy, "cat sub/more.txt >&2; echo 0.5 >> given.txt && tail -n 1 given.txt");

        Assert.Equal(0.5, result.Score);
        Assert.Equal("x", result.Stderr);
    }

    [Fact]
    public void The_whole_eval_memory_bound_in_force_is_named()
    {
        var line = scratch.Sandbox.MemoryBound.Describe(SandboxLimits.Default);

        Assert.StartsWith("whole-eval limits: ", line, StringComparison.Ordinal);
        Assert.Contains(scratch.Sandbox.MemoryBound.UsesCgroup ? "memory.max" : "RLIMIT_AS × RLIMIT_NPROC", line, StringComparison.Ordinal);
    }
}
