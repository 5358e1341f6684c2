using L402Train.Bounties.Diffs;
using L402Train.Bounties.Shipped;
using L402Train.PeerAgent.Bounties;

namespace L402Train.Attacks.Catalog;

/// <summary>Diffs an attacker writes against the downloaded tree: edits of any file in it, new files, deletions.</summary>
internal static class Tampering
{
    /// <summary>A file of the downloaded tree.</summary>
    public static string Read(BountyWorkspace workspace, string path) => File.ReadAllText(Path.Combine(workspace.Folder, path));

    /// <summary>The current configuration.</summary>
    public static string Config(BountyWorkspace workspace) => Read(workspace, ShippedBounty.ConfigPath);

    /// <summary>One diff of several changes: (path, new text); a null new text deletes, a path not in the tree is added.</summary>
    public static string Diff(BountyWorkspace workspace, params (string Path, string? NewText)[] changes) =>
        UnifiedDiffWriter.Write(changes.Select(c => new FileChange(c.Path, File.Exists(Path.Combine(workspace.Folder, c.Path)) ? Read(workspace, c.Path) : null, c.NewText)));

    /// <summary>A change to <c>classifier.conf</c> only (the one target file).</summary>
    public static string ConfigDiff(BountyWorkspace workspace, string newConfig) => Diff(workspace, (ShippedBounty.ConfigPath, newConfig));

    /// <summary>A harmless-looking tweak that rides along with the tampering, as a real attacker's diff would.</summary>
    public static (string Path, string? NewText) Tweak(BountyWorkspace workspace) =>
        (ShippedBounty.ConfigPath, Config(workspace) + "# tuned\n");

    /// <summary>Files each diff as its own submission on the downloaded version and follows it to the verdict.</summary>
    public static async Task SubmitEachAsync(Arena.AttackAgent agent, BountyWorkspace workspace, CancellationToken cancellationToken, params string[] diffs)
    {
        foreach (var diff in diffs) await agent.SubmitAsync(diff, workspace.Bounty.Version, cancellationToken);
    }
}
