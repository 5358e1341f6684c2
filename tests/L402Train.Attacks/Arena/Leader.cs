using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Shipped;

namespace L402Train.Attacks.Arena;

/// <summary>
/// The honest control: an agent that hill-climbs <c>classifier.conf</c> on the public set, submits
/// the result and is accepted and paid. It shows the suite's refusals are not a bounty that pays no
/// one, and it is the leader that copying, stale-base and claim-hijacking attacks go after.
/// </summary>
/// <param name="Record">Its accepted submission.</param>
/// <param name="Diff">The diff it submitted.</param>
/// <param name="BaseConfig">The configuration it improved (version <see cref="BaseVersion"/>).</param>
/// <param name="ImprovedConfig">Its configuration, now the current best.</param>
/// <param name="BaseVersion">The version it was built on.</param>
public sealed record Leader(SubmissionRecord Record, string Diff, string BaseConfig, string ImprovedConfig, int BaseVersion)
{
    /// <summary>Hill-climbing steps the honest agent takes on the public set.</summary>
    public const int Iterations = 60;

    internal static async Task<Leader> EstablishAsync(AttackArena arena, CancellationToken cancellationToken)
    {
        var agent = arena.NewAgent("honest");
        var workspace = await agent.DownloadAsync(cancellationToken);
        var files = workspace.TargetFiles();
        var result = await ImprovementLoop.RunAsync(new HillClimbingImprover(new HillClimbingOptions(Seed: 7)), files,
            workspace.Evaluator.ScoreAsync, workspace.Direction, Iterations, cancellationToken: cancellationToken);
        var config = result.BestFiles[ShippedBounty.ConfigPath];
        var diff = UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, files[ShippedBounty.ConfigPath], config);
        var record = await agent.SubmitAsync(diff, workspace.Bounty.Version, cancellationToken)
            ?? throw new InvalidOperationException($"the honest submission was refused: {string.Join("; ", agent.Refusals)}");
        if (!record.Accepted) throw new InvalidOperationException($"the honest submission was not accepted: {record.Reason} {record.Detail}");
        return new Leader(record, diff, files[ShippedBounty.ConfigPath], config, workspace.Bounty.Version);
    }
}
