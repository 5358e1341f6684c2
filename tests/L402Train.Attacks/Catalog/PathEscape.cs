namespace L402Train.Attacks.Catalog;

/// <summary>Reaches the eval files through the one target: path traversal, an absolute path, and turning classifier.conf into a symlink to the data.</summary>
public sealed class PathEscape : Attack
{
    /// <inheritdoc/>
    public override string Name => "path-escape";

    /// <inheritdoc/>
    public override string Trick => "diffs a/classifier.conf → b/../eval.sh, writes /work/eval.sh by absolute path, and makes classifier.conf a symlink to /data/messages.tsv";

    /// <inheritdoc/>
    public override string Defence => "DiffPolicy: `..` (path_traversal), absolute paths (absolute_path), mode 120000 and mode changes (symlink)";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        var traversal = "--- a/classifier.conf\n+++ b/classifier.conf/../eval.sh\n@@ -1 +1 @@\n-#!/bin/sh\n+echo 0.99\n";
        var absolute = "--- /work/eval.sh\n+++ /work/eval.sh\n@@ -1 +1,2 @@\n #!/bin/sh\n+echo 0.99; exit 0\n";
        var symlink = "diff --git a/classifier.conf b/classifier.conf\nold mode 100644\nnew mode 120000\n";
        var newLink = "diff --git a/answers.conf b/answers.conf\nnew file mode 120000\n--- /dev/null\n+++ b/answers.conf\n@@ -0,0 +1 @@\n+/data/messages.tsv\n\\ No newline at end of file\n";
        await Tampering.SubmitEachAsync(agent, w, cancellationToken, traversal, absolute, symlink, newLink);
    }
}
