using L402Train.Bounties.Shipped;

namespace L402Train.Attacks.Catalog;

/// <summary>
/// Answers shipped with the task: the shipped bounty's sets come from a seed generator in the
/// repository. The attacker finds the seed whose public set is the one it downloaded (the
/// examples use 42; any 32-bit seed can be searched), regenerates that seed's held-out set and
/// memorises both sets' answers.
/// </summary>
public sealed class RegeneratedHeldOut : Attack
{
    /// <inheritdoc/>
    public override string Name => "regenerated-held-out";

    /// <inheritdoc/>
    public override string Trick => "finds the generator seed of the downloaded public set (42, the examples' default), regenerates that seed's held-out set and hard-codes the answers of both";

    /// <inheritdoc/>
    public override string Defence => "the sponsor's held-out set is drawn from its own randomness (SecretHeldOut), not from the public seed; then the gap check (suspicious_gap)";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        var published = w.ReadPublic(ShippedBounty.MessagesFile);
        // A search over seeds: the first message alone tells a wrong seed apart, so the whole 32-bit space is hours of one core.
        var seed = Enumerable.Range(0, 1_000).Prepend(42)
            .FirstOrDefault(s => ShippedBounty.Generate(s, publicCount: 400, heldOutCount: 1).PublicSet[ShippedBounty.MessagesFile] == published, -1);
        if (seed < 0) throw new InvalidOperationException("the public set matches no searched seed: the arena no longer ships the example's public set");
        var regenerated = ShippedBounty.Generate(seed, 400, 400);
        var config = ShippedBounty.HardCodePublicAnswers(
            ShippedBounty.HardCodePublicAnswers(Tampering.Config(w), published), regenerated.HeldOutSet[ShippedBounty.MessagesFile]);
        await agent.SubmitAsync(Tampering.ConfigDiff(w, config), w.Bounty.Version, cancellationToken);
    }
}
