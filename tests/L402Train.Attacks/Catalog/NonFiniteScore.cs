namespace L402Train.Attacks.Catalog;

/// <summary>NaN and infinity: an eval that prints them, and configuration values that awk's strtod reads as them.</summary>
public sealed class NonFiniteScore : Attack
{
    /// <inheritdoc/>
    public override string Name => "non-finite-score";

    /// <inheritdoc/>
    public override string Trick => "patches eval.sh to print nan and inf, and sets threshold = nan and bias = -inf in classifier.conf hoping a comparison breaks";

    /// <inheritdoc/>
    public override string Defence => "eval-file protection (non_target_file); the sponsor's awk still prints a finite accuracy (not_improved); NaN/∞ scores fail the range check";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        var eval = Tampering.Read(w, "eval.sh").Replace("exec awk -f classify.awk classifier.conf \"$data\"", "echo inf; echo nan", StringComparison.Ordinal);
        var config = Tampering.Config(w) + "threshold = nan\nbias = -inf\n";
        await Tampering.SubmitEachAsync(agent, w, cancellationToken,
            Tampering.Diff(w, Tampering.Tweak(w), ("eval.sh", eval)),
            Tampering.ConfigDiff(w, config));
    }
}
