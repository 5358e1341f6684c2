using System.Runtime.Versioning;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// Per-run scratch: a private copy of the evaluation set (so the stored set can never be touched
/// and its host location is never mounted), and the ownership fix-ups the sandbox user needs.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class RunDirectory : IDisposable
{
    private const UnixFileMode Traverse = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly string root;

    private RunDirectory(string root, string? dataCopy)
    {
        this.root = root;
        DataCopy = dataCopy;
    }

    public string? DataCopy { get; }

    public static RunDirectory Create(string scratchRoot, SandboxRequest request, bool dropRoot)
    {
        var root = Path.Combine(scratchRoot, "l402-run-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, Traverse);
        var run = new RunDirectory(root, request.DataSet is null ? null : Path.Combine(root, "data"));
        try
        {
            if (request.DataSet is not null)
            {
                if (!Directory.Exists(request.DataSet)) { throw new DirectoryNotFoundException($"evaluation set '{request.DataSet}' does not exist."); }
                WorkingCopy.CopyTree(request.DataSet, run.DataCopy!);
                if (dropRoot) { OpenTree(run.DataCopy!, writable: false); }
            }
            // Only read: the sandbox copies the working copy into its own size-limited tmpfs.
            if (dropRoot) { OpenTree(request.WorkingCopy.Path, writable: false); }
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>Grants others read (and write) on a tree: the sandbox uid is not its owner.</summary>
    private static void OpenTree(string path, bool writable)
    {
        var read = UnixFileMode.OtherRead | UnixFileMode.GroupRead | UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var write = writable ? UnixFileMode.OtherWrite | UnixFileMode.GroupWrite : UnixFileMode.None;
        var search = UnixFileMode.OtherExecute | UnixFileMode.GroupExecute | UnixFileMode.UserExecute;
        File.SetUnixFileMode(path, File.GetUnixFileMode(path) | read | write | search);
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            if (entry.LinkTarget is not null) { continue; }
            var add = read | write | (entry is DirectoryInfo ? search : UnixFileMode.None);
            entry.UnixFileMode |= add;
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) { Directory.Delete(root, recursive: true); }
    }
}
