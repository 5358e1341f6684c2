namespace L402Train.Bounties.Sandbox;

/// <summary>
/// A fresh, private directory holding a copy of a bounty's baseline, into which a diff is applied
/// and in which one evaluation runs. Deleted on dispose.
/// </summary>
public sealed class WorkingCopy : IDisposable
{
    private readonly string root;

    private WorkingCopy(string root)
    {
        this.root = root;
        Path = System.IO.Path.Combine(root, "work");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory the eval sees as its working directory.</summary>
    public string Path { get; }

    /// <summary>Creates an empty working copy under <paramref name="scratchRoot"/>.</summary>
    public static WorkingCopy CreateEmpty(string scratchRoot)
    {
        var root = System.IO.Path.Combine(scratchRoot, "l402-wc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        if (!OperatingSystem.IsWindows())
        {
            // Others may traverse but not list: the sandbox user must reach the copy to mount it.
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        return new WorkingCopy(root);
    }

    /// <summary>Creates a working copy holding the files of <paramref name="baseline"/>; symlinks in the baseline are refused.</summary>
    public static WorkingCopy FromBaseline(string baseline, string scratchRoot)
    {
        var copy = CreateEmpty(scratchRoot);
        try
        {
            CopyTree(baseline, copy.Path);
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>Copies a directory tree, refusing symlinks so nothing outside the tree is ever pulled in.</summary>
    public static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null)
            {
                throw new InvalidDataException($"'{entry.FullName}' is a symlink; baselines and data sets hold plain files only.");
            }
            var target = System.IO.Path.Combine(destination, entry.Name);
            if (entry is DirectoryInfo) { CopyTree(entry.FullName, target); }
            else { File.Copy(entry.FullName, target, overwrite: false); }
        }
    }

    /// <summary>Deletes the copy and everything the eval wrote into it.</summary>
    public void Dispose()
    {
        if (Directory.Exists(root)) { Directory.Delete(root, recursive: true); }
    }
}
