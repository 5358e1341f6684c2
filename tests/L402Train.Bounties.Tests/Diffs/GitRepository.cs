using System.Diagnostics;

namespace L402Train.Bounties.Tests.Diffs;

/// <summary>A throwaway git repository, to produce real <c>git diff</c> output and to cross-check with <c>git apply</c>.</summary>
internal sealed class GitRepository : IDisposable
{
    public GitRepository()
    {
        Root = Path.Combine(Path.GetTempPath(), "l402-git-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Git("init", "-q");
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Write(string relative, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(relative))!);
        File.WriteAllText(PathOf(relative), content);
    }

    public void Commit()
    {
        Git("add", "-A");
        Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "base");
    }

    /// <summary>The working tree against the last commit, new files included, renames detected.</summary>
    public string Diff(params string[] extra)
    {
        Git("add", "-A");
        return Git(["diff", "--cached", "-M", "--no-color", .. extra]);
    }

    public string Git(params string[] arguments)
    {
        var info = new ProcessStartInfo("git")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) { info.ArgumentList.Add(argument); }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) { throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}"); }
        return output.Result;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
