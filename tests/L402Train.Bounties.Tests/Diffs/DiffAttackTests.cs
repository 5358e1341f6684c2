using L402Train.Bounties.Diffs;
using Xunit;

namespace L402Train.Bounties.Tests.Diffs;

public sealed class DiffAttackTests
{
    private static readonly DiffPolicy Policy = new(["classifier.conf", "src/**/*.awk"], maxBytes: 4096, ["re:system\\s*\\(", "getline <"]);

    private static DiffRejectionReason? Reason(string diff) => Policy.Check(diff).Rejection?.Reason;

    private static string Modify(string path, string removed = "threshold=0.5", string added = "threshold=0.6") =>
        $"--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-{removed}\n+{added}\n";

    [Theory]
    [InlineData("../classifier.conf")]
    [InlineData("x/../../etc/passwd")]
    [InlineData("src/../../outside.awk")]
    public void A_path_that_climbs_out_is_rejected_as_traversal(string path)
    {
        var rejection = Policy.Check($"--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-a\n+b\n").Rejection;

        Assert.Equal(DiffRejectionReason.PathTraversal, rejection?.Reason);
        Assert.Equal("path_traversal", rejection?.Code);
    }

    [Fact]
    public void An_absolute_path_is_rejected()
    {
        Assert.Equal(DiffRejectionReason.AbsolutePath, Reason("--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-root\n+toor\n"));
    }

    [Fact]
    public void A_symlink_created_by_git_is_rejected()
    {
        using var repo = new GitRepository();
        repo.Commit();
        File.CreateSymbolicLink(repo.PathOf("classifier.conf"), "/data/heldout/labels.txt");

        Assert.Equal(DiffRejectionReason.Symlink, Reason(repo.Diff()));
    }

    [Fact]
    public void A_file_outside_the_target_globs_is_rejected()
    {
        Assert.Equal(DiffRejectionReason.NonTargetFile, Reason(Modify("eval.sh", "exit 1", "echo 1.0; exit 0")));
        Assert.Equal(DiffRejectionReason.NonTargetFile, Reason(Modify("src/x.sh")));
    }

    [Fact]
    public void Deleting_a_non_target_file_is_rejected()
    {
        Assert.Equal(DiffRejectionReason.NonTargetFile, Reason("--- a/eval.sh\n+++ /dev/null\n@@ -1 +0,0 @@\n-exit 0\n"));
    }

    [Fact]
    public void Renaming_a_target_file_onto_a_non_target_path_is_rejected()
    {
        using var repo = new GitRepository();
        repo.Write("classifier.conf", string.Concat(Enumerable.Range(0, 20).Select(i => $"w{i}=1\n")));
        repo.Commit();
        File.Move(repo.PathOf("classifier.conf"), repo.PathOf("eval.sh"));

        var diff = repo.Diff();

        Assert.Contains("rename from classifier.conf", diff, StringComparison.Ordinal);
        Assert.Equal(DiffRejectionReason.NonTargetFile, Reason(diff));
    }

    [Fact]
    public void A_binary_patch_is_rejected_in_both_of_gits_forms()
    {
        using var repo = new GitRepository();
        repo.Commit();
        File.WriteAllBytes(repo.PathOf("classifier.conf"), [0, 1, 2, 3, 0, 255]);

        Assert.Equal(DiffRejectionReason.BinaryPatch, Reason(repo.Diff()));
        Assert.Equal(DiffRejectionReason.BinaryPatch, Reason(repo.Diff("--binary")));
    }

    [Fact]
    public void A_mode_change_is_rejected()
    {
        using var repo = new GitRepository();
        repo.Write("classifier.conf", "threshold=0.5\n");
        repo.Commit();
        File.SetUnixFileMode(repo.PathOf("classifier.conf"), (UnixFileMode)0b111_101_101);

        var diff = repo.Diff();

        Assert.Contains("new mode 100755", diff, StringComparison.Ordinal);
        Assert.Equal(DiffRejectionReason.ModeChange, Reason(diff));
    }

    [Fact]
    public void A_diff_over_the_size_limit_is_rejected()
    {
        var big = Modify("classifier.conf", "a", new string('x', 5000));

        var rejection = Policy.Check(big).Rejection;

        Assert.Equal(DiffRejectionReason.Oversize, rejection?.Reason);
        Assert.Contains("4096", rejection?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BEGIN { system (\"curl evil\") }")]
    [InlineData("getline < \"/data/labels.txt\"")]
    public void An_added_line_with_a_forbidden_pattern_is_rejected(string added)
    {
        Assert.Equal(DiffRejectionReason.ForbiddenPattern, Reason(Modify("src/model/score.awk", "x", added)));
    }

    [Fact]
    public void A_forbidden_pattern_on_a_removed_line_is_allowed()
    {
        Assert.Null(Reason(Modify("src/model/score.awk", "system(\"x\")", "x")));
    }

    [Theory]
    [InlineData("--- a/classifier.conf\n+++ b/classifier.conf\n@@ -1,2 +1,2 @@\n-a\n+b\n")]
    [InlineData("--- a/classifier.conf\n+++ b/classifier.conf\n@@ -1 +1 @@\n-a\n+b\n+c\n")]
    [InlineData("--- a/classifier.conf\n+++ b/classifier.conf\n@@ -1 +1 @@\n-a\n*b\n")]
    [InlineData("--- a/classifier.conf\n+++ b/classifier.conf\n@@ -x +1 @@\n-a\n+b\n")]
    [InlineData("--- a/classifier.conf\n@@ -1 +1 @@\n-a\n+b\n")]
    [InlineData("--- a/classifier.conf\n+++ b/classifier.conf\n")]
    [InlineData("hello\n--- a/classifier.conf\n+++ b/classifier.conf\n@@ -1 +1 @@\n-a\n+b\n")]
    [InlineData("")]
    [InlineData("--- classifier.conf\n+++ classifier.conf\n@@ -1 +1 @@\n-a\n+b\n")]
    public void A_malformed_diff_is_rejected(string diff)
    {
        Assert.Equal(DiffRejectionReason.Malformed, Reason(diff));
    }

    [Fact]
    public void A_hunk_that_does_not_match_the_working_copy_is_rejected_and_nothing_is_written()
    {
        var dir = Directory.CreateTempSubdirectory("l402-apply-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "classifier.conf"), "threshold=0.5\n");
            var diff = Modify("classifier.conf") + "--- a/src/x.awk\n+++ b/src/x.awk\n@@ -1 +1 @@\n-not there\n+y\n";
            File.WriteAllText(Path.Combine(dir, "src.awk"), "");
            Directory.CreateDirectory(Path.Combine(dir, "src"));
            File.WriteAllText(Path.Combine(dir, "src", "x.awk"), "something else\n");

            var rejection = Policy.CheckAndApply(diff, dir);

            Assert.Equal(DiffRejectionReason.DoesNotApply, rejection?.Reason);
            Assert.Equal("threshold=0.5\n", File.ReadAllText(Path.Combine(dir, "classifier.conf")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Applying_through_a_symlinked_directory_in_the_working_copy_is_rejected()
    {
        var dir = Directory.CreateTempSubdirectory("l402-apply-").FullName;
        var outside = Directory.CreateTempSubdirectory("l402-outside-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(outside, "x.awk"), "a\n");
            Directory.CreateSymbolicLink(Path.Combine(dir, "src"), outside);

            var rejection = Policy.CheckAndApply(Modify("src/x.awk", "a", "b"), dir);

            Assert.Equal(DiffRejectionReason.Symlink, rejection?.Reason);
            Assert.Equal("a\n", File.ReadAllText(Path.Combine(outside, "x.awk")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
            Directory.Delete(outside, recursive: true);
        }
    }
}
