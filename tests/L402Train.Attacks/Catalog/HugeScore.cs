namespace L402Train.Attacks.Catalog;

/// <summary>A score nobody checks: a claimed 1e308 in the request, and an eval that prints 1e308.</summary>
public sealed class HugeScore : Attack
{
    /// <inheritdoc/>
    public override string Name => "huge-score";

    /// <inheritdoc/>
    public override string Trick => "claims claimed_score 1e308 for a comment-only change, and patches eval.sh to print 1e308";

    /// <inheritdoc/>
    public override string Defence => "the claimed score is never trusted (the validator scores held-out itself: not_improved); eval-file protection; score range [0, 1]";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        await agent.SubmitAsync(Tampering.ConfigDiff(w, Tampering.Config(w) + "# accuracy 1e308\n"), w.Bounty.Version, cancellationToken, claimedScore: 1e308);
        var eval = Tampering.Read(w, "eval.sh").Replace("exec awk -f classify.awk classifier.conf \"$data\"", "echo 1e308", StringComparison.Ordinal);
        await agent.SubmitAsync(Tampering.Diff(w, Tampering.Tweak(w), ("eval.sh", eval)), w.Bounty.Version, cancellationToken, claimedScore: 1e308);
    }
}
