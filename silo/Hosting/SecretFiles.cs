namespace L402Train.Silo.Hosting;

/// <summary>
/// The data directory and the secrets in it, kept private as ssh keeps its keys: the directory is
/// created 0700, each secret file is created 0600 from its first byte (a temporary file opened with
/// that mode, then linked into place unless another writer got there first), and a secret that group or others may read stops start-up with one
/// line naming the file and the <c>chmod</c> that fixes it. (Windows has no such modes; nothing is checked there.)
/// </summary>
internal static class SecretFiles
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> (and missing parents) readable by its owner only; an existing folder is left as it is.</summary>
    public static void CreateDirectory(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, OwnerOnlyDirectory);
    }

    /// <summary>
    /// Writes a new secret file with mode 0600 unless it exists, and returns what the file holds:
    /// <paramref name="content"/>, or the value of a writer that got there first. Silos starting
    /// together on a shared data directory all end up with one value: each writes a temporary file
    /// of its own (0600 from creation, flushed to disk), then publishes it under <paramref name="path"/>
    /// with a link that fails when the name is taken, so the first writer wins whole and no reader
    /// ever sees a partial file.
    /// </summary>
    public static string WriteOnce(string path, string content)
    {
        var full = Path.GetFullPath(path);
        CreateDirectory(Path.GetDirectoryName(full)!);
        // Random, not the process id: threads of one process share it, and so do containers (each silo is PID 1 in its pod).
        var temp = $"{full}.{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        try
        {
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(content);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            Publish(temp, full);
        }
        finally
        {
            File.Delete(temp);
        }
        return File.ReadAllText(full);
    }

    // First writer wins: link(2) never replaces, where rename(2) would overwrite a value another silo already uses.
    private static void Publish(string temp, string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                UnixLink.TryLink(temp, path);
                return;
            }
            catch (NotSupportedException)
            {
                // A share without hard links: File.Move's no-replace is the best left.
            }
        }
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another writer won; its value stands.
        }
    }

    /// <summary>Creates an empty file with mode 0600 unless it exists, so a database opened on it afterwards (SQLite copies the mode to its -wal and -shm files) is never readable by others.</summary>
    public static void CreateEmptyOnce(string path)
    {
        if (File.Exists(path)) return;
        CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        try
        {
            using var stream = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created by someone else in between: it is checked like any existing secret.
        }
    }

    /// <summary>Throws <see cref="SecretFileException"/> when <paramref name="path"/> exists and group or others have any access to it.</summary>
    public static void RequirePrivate(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOthers) == 0) return;
        throw new SecretFileException(path,
            $"{path} holds a secret but its permissions ({Octal(mode)}) let group or others read it; run: chmod 600 {path}");
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}

/// <summary>A secret file is not private: start-up stops with this one-line message naming the file and the fix.</summary>
internal sealed class SecretFileException(string path, string message) : Exception(message)
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;
}
