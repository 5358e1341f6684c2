using System.Runtime.Versioning;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// What one run mounts besides the system: its evaluation set's private read-only copy (staged once per set by
/// <see cref="StagedDataSets"/>, so the stored set is never touched and its host location is never mounted), and
/// the ownership fix-ups the sandbox user needs.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class RunDirectory : IDisposable
{
    internal const UnixFileMode Traverse = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly StagedDataSets.Lease? data;

    private RunDirectory(StagedDataSets.Lease? data) => this.data = data;

    public string? DataCopy => data?.Path;

    public static RunDirectory Create(StagedDataSets sets, SandboxRequest request, bool dropRoot)
    {
        var data = request.DataSet is null ? null : sets.Acquire(request.DataSet, dropRoot);
        try
        {
            // Only read: the sandbox copies the working copy into its own size-limited tmpfs.
            if (dropRoot) { OpenTree(request.WorkingCopy.Path, writable: false); }
            return new RunDirectory(data);
        }
        catch
        {
            data?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Grants others read (and write) on a tree: the sandbox uid is not its owner. Entries that already allow it are
    /// left alone: a submission's runs share one tree, and a chmod is a journalled write even when it changes nothing.
    /// </summary>
    internal static void OpenTree(string path, bool writable)
    {
        var read = UnixFileMode.OtherRead | UnixFileMode.GroupRead | UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var write = writable ? UnixFileMode.OtherWrite | UnixFileMode.GroupWrite : UnixFileMode.None;
        var search = UnixFileMode.OtherExecute | UnixFileMode.GroupExecute | UnixFileMode.UserExecute;
        var rootMode = File.GetUnixFileMode(path);
        if ((rootMode & (read | write | search)) != (read | write | search)) { File.SetUnixFileMode(path, rootMode | read | write | search); }
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            if (entry.LinkTarget is not null) { continue; }
            var add = read | write | (entry is DirectoryInfo ? search : UnixFileMode.None);
            if ((entry.UnixFileMode & add) != add) { entry.UnixFileMode |= add; }
        }
    }

    public void Dispose() => data?.Dispose();
}
