using System.Runtime.InteropServices;

namespace L402Train.Silo.Hosting;

/// <summary>
/// link(2): gives a file a second name, failing with EEXIST when the name is taken. It is the
/// portable atomic "publish unless present" of POSIX (rename(2) replaces what is there).
/// </summary>
internal static partial class UnixLink
{
    /// <summary>errno of a name that exists (17 on Linux and macOS).</summary>
    public const int AlreadyExists = 17;

    /// <summary>errno values of file systems that cannot make hard links (EPERM, ENOSYS, EOPNOTSUPP on Linux and macOS).</summary>
    private static readonly int[] Unsupported = [1, 38, 45, 78, 95, 102];

    /// <summary>Links <paramref name="existing"/> to <paramref name="newName"/>: true when linked, false when <paramref name="newName"/> exists.</summary>
    /// <exception cref="NotSupportedException">The file system makes no hard links.</exception>
    /// <exception cref="IOException">Any other failure, with its errno.</exception>
    public static bool TryLink(string existing, string newName)
    {
        if (Link(existing, newName) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == AlreadyExists) return false;
        if (Unsupported.Contains(errno)) throw new NotSupportedException($"{Path.GetDirectoryName(newName)} cannot hold hard links (errno {errno}).");
        throw new IOException($"Could not create {newName}: link(2) failed with errno {errno}.");
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newName);
}
