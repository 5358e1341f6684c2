using L402Train.Bounties.Shipped;

namespace L402Train.Attacks.Catalog;

/// <summary>Memorises the public set: every public message's reference code listed as a spam or ham phrase, a perfect public score.</summary>
public sealed class HardCodedPublicAnswers : Attack
{
    /// <inheritdoc/>
    public override string Name => "hard-coded-public-answers";

    /// <inheritdoc/>
    public override string Trick => "lists all 400 public reference codes as spam_phrase/ham_phrase in classifier.conf (public 1.0, held-out unchanged)";

    /// <inheritdoc/>
    public override string Defence => "held-out scoring with the public-minus-held-out gap check (suspicious_gap; canaries once merged)";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        var config = ShippedBounty.HardCodePublicAnswers(Tampering.Config(w), w.ReadPublic(ShippedBounty.MessagesFile));
        await agent.SubmitAsync(Tampering.ConfigDiff(w, config), w.Bounty.Version, cancellationToken);
    }
}
