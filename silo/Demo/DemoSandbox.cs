using L402Train.Bounties.Sandbox;

namespace L402Train.Silo.Demo;

/// <summary>
/// Whether this host can run the demo's bounty track, asked once before anything starts: the
/// training track needs no sandbox, so a host without bubblewrap still runs it and is told, in one
/// line, why the bounties are skipped and how to install what they need.
/// </summary>
internal static class DemoSandbox
{
    /// <summary>Null when the sandbox runs a trivial eval at <paramref name="bubblewrapPath"/>; otherwise the one-line reason with the fix.</summary>
    public static async Task<string?> ProblemAsync(string bubblewrapPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(bubblewrapPath))
            return $"bubblewrap is not installed (no {bubblewrapPath}); install it with 'sudo apt-get install bubblewrap' (or point --bwrap at it) to run the bounty track";
        try
        {
            using var sandbox = new BubblewrapSandbox(new SandboxOptions { BubblewrapPath = bubblewrapPath }, TimeProvider.System);
            await sandbox.EnsureAvailableAsync(cancellationToken);
            return null;
        }
        catch (SandboxUnavailableException ex)
        {
            return ex.Message.ReplaceLineEndings(" ").Trim();
        }
    }
}
