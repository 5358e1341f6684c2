using L402Train.Bounties.Diffs;
using L402Train.Bounties.Shipped;

namespace L402Train.Attacks.Catalog;

/// <summary>Races the leader: builds a real improvement on the old version and submits it after the leader merged, still claiming the old base.</summary>
public sealed class StaleBaseRace : Attack
{
    /// <inheritdoc/>
    public override string Name => "stale-base-race";

    /// <inheritdoc/>
    public override string Trick => "fixes the greeting weight's sign on the version the leader started from and submits it, base_version of the old version, after the leader merged";

    /// <inheritdoc/>
    public override string Defence => "base_version checked against the version current at arrival (stale, deposit forfeited)";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var leader = await context.LeaderAsync();
        var agent = context.Agent(Name);
        _ = await agent.DownloadAsync(cancellationToken);
        var better = leader.BaseConfig.Replace("weight_greeting = 0.5", "weight_greeting = -1.0", StringComparison.Ordinal)
            .Replace("weight_urgent = 1.0", "weight_urgent = 0.5", StringComparison.Ordinal);
        await agent.SubmitAsync(UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, leader.BaseConfig, better), leader.BaseVersion, cancellationToken);
    }
}
