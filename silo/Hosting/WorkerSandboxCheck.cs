using L402Train.Bounties.Sandbox;

namespace L402Train.Silo.Hosting;

/// <summary>
/// The worker's start-up check of its sandbox: an archive experiment runs only inside bubblewrap, so a worker that
/// sells archives runs one trivial sandboxed command (the bounty evals' own <see cref="BubblewrapSandbox.EnsureAvailableAsync"/>)
/// before its job workers claim anything. When that fails or hangs, the worker refuses to start with one line naming
/// the problem and both fixes, instead of taking buyers' money for runs that can only fail (and be refunded).
/// </summary>
internal static class WorkerSandboxCheck
{
    private const string ArchivesOff = "--worker-archives off to sell only built-in trainer runs";

    private const string Fixes = "install bubblewrap (sudo apt-get install bubblewrap) or point --bwrap at it, or start the worker with " + ArchivesOff;

    /// <summary>Throws <see cref="SiloSettingException"/> naming <c>--bwrap</c> unless a trivial sandboxed command runs within <paramref name="timeout"/> on <paramref name="time"/>.</summary>
    public static void Ensure(BubblewrapSandbox sandbox, string bubblewrapPath, TimeSpan timeout, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(bubblewrapPath);
        if (!File.Exists(bubblewrapPath))
            throw new SiloSettingException("bwrap", $"bubblewrap is not installed at '{bubblewrapPath}', and this worker sells archive experiments, which run only inside it: {Fixes}.");
        // Started by the silo's configurator, which is synchronous; it runs once, before the silo serves anything.
        using var limit = new CancellationTokenSource(timeout, time);
        try
        {
            sandbox.EnsureAvailableAsync(limit.Token).GetAwaiter().GetResult();
        }
        catch (SandboxUnavailableException ex)
        {
            throw new SiloSettingException("bwrap", $"this worker sells archive experiments, which run only inside the sandbox, and {ex.Message.TrimEnd('.')}. Fix that, or start the worker with {ArchivesOff}.");
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            throw new SiloSettingException("bwrap", $"a trivial sandboxed command under '{bubblewrapPath}' did not finish within {timeout.TotalSeconds:0.###} s, and this worker sells archive experiments, which run only inside it. Check that bubblewrap runs on this host (bwrap --ro-bind / / true), or start the worker with {ArchivesOff}.");
        }
    }
}
