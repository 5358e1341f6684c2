using L402Train.Bounties.Diffs;
using L402Train.Bounties.Sandbox;
using Xunit;

namespace L402Train.Bounties.Tests.Sandbox;

/// <summary>
/// Evaluation sets are copied once and shared read-only by the runs, and a submission's runs share one candidate
/// tree: neither may let one run change what another reads.
/// </summary>
public sealed class StagedDataSetsTests : IDisposable
{
    private readonly SandboxScratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void An_unchanged_set_is_copied_once_and_shared_by_later_runs_without_touching_the_stored_set()
    {
        var set = scratch.HostDirectory("set", ("labels.txt", "a\n"));
        File.SetUnixFileMode(Path.Combine(set, "labels.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var sets = new StagedDataSets(scratch.Root);

        using var first = sets.Acquire(set, dropRoot: true);
        using var second = sets.Acquire(set, dropRoot: true);

        Assert.Equal(first.Path, second.Path);
        Assert.NotEqual(Path.GetFullPath(set), Path.GetFullPath(first.Path));
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(first.Path, "labels.txt")));
        // The copy is opened to the sandbox user; the stored set keeps its modes.
        Assert.True(File.GetUnixFileMode(Path.Combine(first.Path, "labels.txt")).HasFlag(UnixFileMode.OtherRead));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(set, "labels.txt")));
    }

    [Fact]
    public void A_set_changed_in_place_gets_a_fresh_copy_and_the_old_one_is_deleted_with_its_last_run()
    {
        var set = scratch.HostDirectory("set", ("labels.txt", "a\n"));
        using var sets = new StagedDataSets(scratch.Root);
        var before = sets.Acquire(set, dropRoot: false);

        File.WriteAllText(Path.Combine(set, "labels.txt"), "b, longer\n");
        using var after = sets.Acquire(set, dropRoot: false);

        Assert.NotEqual(before.Path, after.Path);
        Assert.Equal("b, longer\n", File.ReadAllText(Path.Combine(after.Path, "labels.txt")));
        // The run still using the old copy keeps it until it ends.
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(before.Path, "labels.txt")));
        before.Dispose();
        Assert.False(Directory.Exists(before.Path));
    }

    [Fact]
    public void A_set_holding_a_symlink_is_refused()
    {
        var set = scratch.HostDirectory("set", ("labels.txt", "a\n"));
        File.CreateSymbolicLink(Path.Combine(set, "escape"), "/etc/passwd");
        using var sets = new StagedDataSets(scratch.Root);

        Assert.Throws<InvalidDataException>(() => sets.Acquire(set, dropRoot: false));
    }

    [Fact]
    public async Task No_run_of_a_submission_sees_what_an_earlier_run_wrote_nor_changes_the_shared_tree_or_set()
    {
        // The eval is a target: it scores 1 only when no earlier run left a mark anywhere it can write or read.
        var tree = scratch.HostDirectory("best", ("eval.sh",
            "for f in mark /tmp/mark /dev/shm/mark /source/mark /data/mark $HOME/.cache/mark; do [ -e $f ] && { echo 0; exit 0; }; done\n" +
            "grep -q original /data/labels.txt || { echo 0; exit 0; }\n" +
            "mkdir -p $HOME/.cache; for f in mark /tmp/mark /dev/shm/mark /source/mark /data/mark $HOME/.cache/mark; do echo x > $f; done 2>/dev/null\n" +
            "echo tampered > /data/labels.txt 2>/dev/null; echo tampered > /source/eval.sh 2>/dev/null\n" +
            "echo 1\n"));
        var publicSet = scratch.HostDirectory("public", ("labels.txt", "original public\n"));
        var heldOut = scratch.HostDirectory("heldout", ("labels.txt", "original held-out\n"));
        var script = File.ReadAllText(Path.Combine(tree, "eval.sh"));
        var plan = new EvaluationPlan(tree, publicSet, heldOut, "sh eval.sh", new DiffPolicy(["*.sh"], 4096), SandboxScratch.Small, Repeats: 3);
        var evaluator = new SubmissionEvaluator(scratch.Sandbox, scratch.Root);

        var first = await evaluator.EvaluateAsync(plan, "", TestContext.Current.CancellationToken);
        var second = await evaluator.EvaluateAsync(plan, "", TestContext.Current.CancellationToken);

        Assert.True(first.Complete && second.Complete);
        Assert.Equal([1.0, 1.0, 1.0], first.PublicScores);
        Assert.Equal([1.0, 1.0, 1.0], first.HeldOutScores);
        Assert.Equal([1.0, 1.0, 1.0], second.PublicScores);
        Assert.Equal([1.0, 1.0, 1.0], second.HeldOutScores);
        Assert.Equal("original held-out\n", File.ReadAllText(Path.Combine(heldOut, "labels.txt")));
        Assert.Equal(script, File.ReadAllText(Path.Combine(tree, "eval.sh")));
    }

    [Fact]
    public void A_tree_already_open_to_the_sandbox_user_is_not_written_again_by_the_next_run()
    {
        var tree = scratch.HostDirectory("candidate", ("eval.sh", "echo 1\n"), ("config.txt", "a\n"));
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        File.WriteAllText(Path.Combine(tree, "sub", "data.txt"), "b\n");
        RunDirectory.OpenTree(tree, writable: false);
        var opened = ChangeTimes(tree);

        RunDirectory.OpenTree(tree, writable: false); // the submission's second run

        // A chmod that changes nothing still moves the inode's change time (and costs a journalled write).
        Assert.Equal(opened, ChangeTimes(tree));
        Assert.True(File.GetUnixFileMode(Path.Combine(tree, "sub", "data.txt")).HasFlag(UnixFileMode.OtherRead));
    }

    private static string ChangeTimes(string tree)
    {
        var info = new System.Diagnostics.ProcessStartInfo("stat") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "%n %z", tree }.Concat(Directory.EnumerateFileSystemEntries(tree, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)))
        {
            info.ArgumentList.Add(argument);
        }
        using var stat = System.Diagnostics.Process.Start(info)!;
        var output = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return output;
    }
}
