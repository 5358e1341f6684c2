using L402Train.Bounties.Diffs;
using L402Train.Bounties.Shipped;

namespace L402Train.Attacks.Catalog;

/// <summary>Takes the leader's change (the difference between the versions it can download) and resubmits it with noise, so the copy has another hash.</summary>
public sealed class LeaderCopyWithNoise : Attack
{
    /// <inheritdoc/>
    public override string Name => "leader-copy-with-noise";

    /// <inheritdoc/>
    public override string Trick => "rebuilds the leader's diff from the merged version, adds a comment so the hash differs, and submits it on the leader's base and on the new version";

    /// <inheritdoc/>
    public override string Defence => "stale check at arrival (stale) and exact hunk application (does_not_apply); an unchanged copy is copied by diff hash";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var leader = await context.LeaderAsync();
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        var noisy = Noise(leader.ImprovedConfig);
        // On the leader's base: the old lines the leader changed, replaced by the leader's lines plus noise.
        await agent.SubmitAsync(UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, leader.BaseConfig, noisy), leader.BaseVersion, cancellationToken);
        // On the current version: the same hunks, claimed against the version that already holds them.
        await agent.SubmitAsync(UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, leader.BaseConfig, noisy), w.Bounty.Version, cancellationToken);
        // The verbatim copy, for completeness.
        await agent.SubmitAsync(leader.Diff, leader.BaseVersion, cancellationToken);
    }

    private static string Noise(string config) => config + "# my own work\n";
}
