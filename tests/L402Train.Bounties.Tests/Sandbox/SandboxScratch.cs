using L402Train.Bounties.Sandbox;
using Xunit;

namespace L402Train.Bounties.Tests.Sandbox;

/// <summary>A private scratch root and a sandbox over it, removed after the test.</summary>
internal sealed class SandboxScratch : IDisposable
{
    public SandboxScratch()
    {
        Root = Path.Combine(Path.GetTempPath(), "l402-sandbox-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_001_001);
        Options = new SandboxOptions { ScratchRoot = Root };
        Sandbox = new BubblewrapSandbox(Options, TimeProvider.System);
    }

    public string Root { get; }

    public SandboxOptions Options { get; }

    public BubblewrapSandbox Sandbox { get; }

    public static SandboxLimits Small { get; } = new(
        CpuTime: TimeSpan.FromSeconds(2),
        MemoryBytes: 256L << 20,
        Processes: 32,
        FileSizeBytes: 1 << 20,
        WallClock: TimeSpan.FromSeconds(10),
        OutputBytes: 16 << 10,
        TmpBytes: 8L << 20);

    public WorkingCopy NewWorkingCopy() => WorkingCopy.CreateEmpty(Root);

    /// <summary>A host directory outside every mount, holding the given files.</summary>
    public string HostDirectory(string name, params (string File, string Content)[] files)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        foreach (var (file, content) in files) { File.WriteAllText(Path.Combine(dir, file), content); }
        return dir;
    }

    public async Task<SandboxResult> RunAsync(string command, string? dataSet = null, SandboxLimits? limits = null)
    {
        using var copy = NewWorkingCopy();
        return await RunInAsync(copy, command, dataSet, limits);
    }

    public Task<SandboxResult> RunInAsync(WorkingCopy copy, string command, string? dataSet = null, SandboxLimits? limits = null) =>
        Sandbox.RunAsync(new SandboxRequest(copy, command, dataSet, limits ?? Small), TestContext.Current.CancellationToken);

    public void Dispose()
    {
        Sandbox.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
