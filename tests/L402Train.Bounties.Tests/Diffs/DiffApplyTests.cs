using System.Diagnostics;
using L402Train.Bounties.Diffs;
using Xunit;

namespace L402Train.Bounties.Tests.Diffs;

public sealed class DiffApplyTests : IDisposable
{
    private static readonly DiffPolicy AnyText = new(["**"], maxBytes: 1 << 20);
    private readonly string workingCopy = Directory.CreateTempSubdirectory("l402-apply-").FullName;

    public void Dispose() => Directory.Delete(workingCopy, recursive: true);

    private static readonly Dictionary<string, string> Base = new()
    {
        ["classifier.conf"] = string.Concat(Enumerable.Range(1, 30).Select(i => $"weight_{i}=0.{i}\n")),
        ["src/score.awk"] = "BEGIN { s = 0 }\n{ s += $1 }\nEND { print s }",
        ["notes.txt"] = "one\ntwo\nthree\n",
        ["old-name.conf"] = string.Concat(Enumerable.Range(1, 12).Select(i => $"k{i}=v\n")),
    };

    private static readonly Dictionary<string, string?> Changed = new()
    {
        ["classifier.conf"] = Base["classifier.conf"].Replace("weight_3=0.3", "weight_3=0.35").Replace("weight_27=0.27\n", "") + "bias=1\n",
        ["src/score.awk"] = "BEGIN { s = 0 }\n{ s += 2 * $1 }\nEND { print s }\n",
        ["notes.txt"] = null,
        ["new/added.conf"] = "fresh=1\nno newline",
        ["old-name.conf"] = null,
        ["new-name.conf"] = Base["old-name.conf"].Replace("k6=v", "k6=w"),
    };

    [Fact]
    public void Git_diff_output_applies_exactly()
    {
        using var repo = new GitRepository();
        foreach (var (path, content) in Base) { repo.Write(path, content); }
        repo.Commit();
        foreach (var (path, content) in Changed)
        {
            if (content is null) { File.Delete(repo.PathOf(path)); }
            else { repo.Write(path, content); }
        }
        var diff = repo.Diff();
        Assert.Contains("rename from old-name.conf", diff, StringComparison.Ordinal);
        WriteBase();

        var rejection = AnyText.CheckAndApply(diff, workingCopy);

        Assert.Null(rejection);
        AssertWorkingCopyIs(Changed);
    }

    [Fact]
    public void Gnu_diff_output_with_timestamps_applies_exactly()
    {
        var before = Path.Combine(workingCopy, "..", Path.GetFileName(workingCopy) + "-before");
        var after = Path.Combine(workingCopy, "..", Path.GetFileName(workingCopy) + "-after");
        try
        {
            Directory.CreateDirectory(before);
            Directory.CreateDirectory(after);
            File.WriteAllText(Path.Combine(before, "classifier.conf"), Base["classifier.conf"]);
            File.WriteAllText(Path.Combine(after, "classifier.conf"), Changed["classifier.conf"]);
            var diff = Run("diff", workingCopy + "/..", "-ru", Path.GetFileName(before), Path.GetFileName(after));
            Assert.Contains("\t", diff.Split('\n')[1], StringComparison.Ordinal);
            WriteBase();

            Assert.Null(AnyText.CheckAndApply(diff, workingCopy));

            Assert.Equal(Changed["classifier.conf"], File.ReadAllText(Path.Combine(workingCopy, "classifier.conf")));
        }
        finally
        {
            Directory.Delete(before, recursive: true);
            Directory.Delete(after, recursive: true);
        }
    }

    [Fact]
    public void Our_diff_applies_with_git_apply_to_the_same_result()
    {
        var diff = UnifiedDiffWriter.Write(Changed.Select(c => new FileChange(c.Key, Base.GetValueOrDefault(c.Key), c.Value)));
        WriteBase();
        var gitCopy = workingCopy + "-git";
        L402Train.Bounties.Sandbox.WorkingCopy.CopyTree(workingCopy, gitCopy);
        try
        {
            Assert.Null(AnyText.CheckAndApply(diff, workingCopy));
            File.WriteAllText(gitCopy + ".diff", diff);
            Run("git", gitCopy, "apply", gitCopy + ".diff");

            foreach (var (path, content) in Changed)
            {
                Assert.Equal(content is null, !File.Exists(Path.Combine(gitCopy, path)));
                if (content is not null) { Assert.Equal(content, File.ReadAllText(Path.Combine(gitCopy, path))); }
            }
            AssertWorkingCopyIs(Changed);
        }
        finally
        {
            Directory.Delete(gitCopy, recursive: true);
            File.Delete(gitCopy + ".diff");
        }
    }

    [Fact]
    public void Creating_a_file_that_exists_does_not_apply()
    {
        WriteBase();
        var diff = UnifiedDiffWriter.Write("notes.txt", null, "x\n");

        Assert.Equal(DiffRejectionReason.DoesNotApply, AnyText.CheckAndApply(diff, workingCopy)?.Reason);
    }

    [Fact]
    public void A_hunk_shifted_from_its_stated_line_does_not_apply()
    {
        WriteBase();
        var diff = UnifiedDiffWriter.Write("classifier.conf", Base["classifier.conf"], Changed["classifier.conf"]);
        File.WriteAllText(Path.Combine(workingCopy, "classifier.conf"), "extra=1\n" + Base["classifier.conf"]);

        Assert.Equal(DiffRejectionReason.DoesNotApply, AnyText.CheckAndApply(diff, workingCopy)?.Reason);
    }

    private void WriteBase()
    {
        foreach (var (path, content) in Base)
        {
            var full = Path.Combine(workingCopy, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
    }

    private void AssertWorkingCopyIs(Dictionary<string, string?> expected)
    {
        foreach (var (path, content) in expected)
        {
            var full = Path.Combine(workingCopy, path);
            if (content is null) { Assert.False(File.Exists(full), $"{path} should be gone"); }
            else { Assert.Equal(content, File.ReadAllText(full)); }
        }
        Assert.Empty(Directory.EnumerateFiles(workingCopy, "*.tmp", SearchOption.AllDirectories));
    }

    private static string Run(string file, string directory, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) { info.ArgumentList.Add(argument); }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        // diff exits 1 when the trees differ.
        if (process.ExitCode > 1) { throw new InvalidOperationException($"{file}: {error}"); }
        return output.Result;
    }
}
