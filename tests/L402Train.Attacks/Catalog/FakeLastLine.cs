namespace L402Train.Attacks.Catalog;

/// <summary>The score is the last stdout line: let the real eval crash and print a plausible score after it.</summary>
public sealed class FakeLastLine : Attack
{
    /// <inheritdoc/>
    public override string Name => "fake-last-line";

    /// <inheritdoc/>
    public override string Trick => "makes eval.sh ignore awk's failure (a missing data file) and echo 0.9731 as the last line; a variant appends a trap that prints it on exit";

    /// <inheritdoc/>
    public override string Defence => "eval-file protection (non_target_file): the sponsor's eval.sh runs with set -e, unchanged";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        var eval = Tampering.Read(w, "eval.sh");
        var crashing = eval.Replace("set -e\n", "", StringComparison.Ordinal)
            .Replace("exec awk -f classify.awk classifier.conf \"$data\"", "awk -f classify.awk classifier.conf \"$data.missing\"\necho 0.9731", StringComparison.Ordinal);
        var trapped = eval.Replace("set -e\n", "set -e\ntrap 'echo 0.9731' EXIT\n", StringComparison.Ordinal)
            .Replace("exec awk", "awk", StringComparison.Ordinal);
        await Tampering.SubmitEachAsync(agent, w, cancellationToken,
            Tampering.Diff(w, Tampering.Tweak(w), ("eval.sh", crashing)),
            Tampering.Diff(w, ("eval.sh", trapped)));
    }
}
