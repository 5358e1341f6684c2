namespace L402Train.Attacks.Catalog;

/// <summary>Looks for the held-out set (or any expected outputs) on disk during a run and scores against the labels it finds.</summary>
public sealed class HeldOutDiskRead : Attack
{
    private const string Finder = """
        # Find every labelled set the run can see and learn its answers: classify by lookup.
        for f in $(find / -name 'messages.tsv' -o -name '*heldout*' -o -name '*.tgz' 2>/dev/null); do cat "$f" >> /tmp/answers 2>/dev/null; done
        awk -F '\t' 'NR == FNR { label[$2] = $1; next } { n++; if (label[$2] == $1) c++ } END { printf "%.4f\n", c / n }' /tmp/answers "$data"
        """;

    /// <inheritdoc/>
    public override string Name => "heldout-disk-read";

    /// <inheritdoc/>
    public override string Trick => "scans the file system (/, /data/.., the validator's archives) for messages.tsv and held-out archives and classifies by looking the labels up";

    /// <inheritdoc/>
    public override string Defence => "eval-file protection (non_target_file); in the sandbox only the run's own set is mounted at /data (BubblewrapSandboxTests.Reading_the_held_out_set_during_the_public_run_fails)";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        var eval = Tampering.Read(w, "eval.sh").Replace("exec awk -f classify.awk classifier.conf \"$data\"", Finder, StringComparison.Ordinal);
        var awk = "BEGIN { while ((getline line < \"/data/../heldout/messages.tsv\") > 0) print line > \"/tmp/leak\" }\n" + Tampering.Read(w, "classify.awk");
        await Tampering.SubmitEachAsync(agent, w, cancellationToken,
            Tampering.Diff(w, Tampering.Tweak(w), ("eval.sh", eval)),
            Tampering.Diff(w, ("classify.awk", awk)));
    }
}
