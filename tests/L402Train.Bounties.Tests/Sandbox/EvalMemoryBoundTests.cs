using L402Train.Bounties.Sandbox;
using Xunit;

namespace L402Train.Bounties.Tests.Sandbox;

/// <summary>Which whole-eval memory bound applies, read from a cgroup v2 tree laid out in a temp folder.</summary>
public sealed class EvalMemoryBoundTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("l402-cgroup-test-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void A_writable_cgroup_delegating_memory_and_pids_holds_each_eval()
    {
        var own = Cgroup("system.slice/silo.service", "cpu memory pids");

        var bound = EvalMemoryBound.Detect(null, root, SelfCgroup("0::/system.slice/silo.service\n"));

        Assert.True(bound.UsesCgroup);
        Assert.Equal(own, bound.CgroupParent);
        Assert.Contains("memory.max", bound.Describe(SandboxLimits.Default), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_memory_controller_the_bound_is_the_rlimit_product_and_says_why()
    {
        Cgroup("unified", "hugetlb");

        var bound = EvalMemoryBound.Detect(null, root, SelfCgroup("4:memory:/x\n0::/\n"));

        Assert.False(bound.UsesCgroup);
        Assert.Contains("not memory and pids", bound.Reason, StringComparison.Ordinal);
        var limits = SandboxLimits.Default with { MemoryBytes = 256L << 20, Processes = 6, TmpBytes = 64L << 20, WorkBytes = 64L << 20 };
        Assert.Contains("6 × 256 MiB + 128 MiB = 1664 MiB", bound.Describe(limits), StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_cgroup_is_used_when_it_qualifies()
    {
        var configured = Cgroup("delegated", "memory pids");

        Assert.Equal(configured, EvalMemoryBound.Detect(configured, root, SelfCgroup("0::/\n")).CgroupParent);
        Assert.False(EvalMemoryBound.Detect(Path.Combine(root, "missing"), root, SelfCgroup("0::/\n")).UsesCgroup);
    }

    private string Cgroup(string relative, string subtreeControl)
    {
        var dir = Path.Combine(root, relative);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "cgroup.subtree_control"), subtreeControl + "\n");
        return dir;
    }

    private string SelfCgroup(string content)
    {
        var file = Path.Combine(root, "self-cgroup");
        File.WriteAllText(file, content);
        return file;
    }
}

/// <summary>
/// The cgroup launch path, run for real against a folder laid out like a delegated cgroup (the
/// kernel enforces nothing there, but the wrapper, the limits written and the launch are the real ones).
/// </summary>
public sealed class EvalCgroupLaunchTests : IDisposable
{
    private readonly SandboxScratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task A_run_under_a_delegated_cgroup_gets_its_limits_and_starts_inside_it()
    {
        var parent = scratch.HostDirectory("cgroup");
        File.WriteAllText(Path.Combine(parent, "cgroup.subtree_control"), "memory pids\n");
        scratch.Options.CgroupParent = parent;
        var sandbox = new BubblewrapSandbox(scratch.Options, TimeProvider.System);
        var limits = SandboxScratch.Small with { MemoryBytes = 96L << 20, Processes = 12 };

        var result = await sandbox.RunAsync(new SandboxRequest(scratch.NewWorkingCopy(), "echo 1", null, limits), TestContext.Current.CancellationToken);

        Assert.True(sandbox.MemoryBound.UsesCgroup);
        Assert.Equal(1, result.Score);
        // A real cgroup is removed after the run; this plain folder keeps its files, so the run's group is still there to read.
        var run = Assert.Single(Directory.GetDirectories(parent, "l402-eval-*"));
        Assert.Equal((96L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(run, "memory.max")));
        Assert.Equal("12", File.ReadAllText(Path.Combine(run, "pids.max")));
        Assert.Matches("^[0-9]+\n$", File.ReadAllText(Path.Combine(run, "cgroup.procs")));
    }
}
