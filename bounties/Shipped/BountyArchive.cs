using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace L402Train.Bounties.Shipped;

/// <summary>
/// The tar.gz archives bounties travel in (baseline with the public set; held-out set). Creation
/// is deterministic (sorted entries, fixed times and modes) so an archive's SHA-256 depends only
/// on its files; extraction accepts plain files and directories only and stays inside its target.
/// </summary>
public static class BountyArchive
{
    private static readonly DateTimeOffset FixedTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Packs text files (relative path → content) into a deterministic tar.gz.</summary>
    public static byte[] Create(IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (path, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = new UstarTarEntry(TarEntryType.RegularFile, path)
                {
                    DataStream = new MemoryStream(Utf8.GetBytes(text)),
                    ModificationTime = FixedTime,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    Uid = 0,
                    Gid = 0,
                };
                tar.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    /// <summary>
    /// Unpacks a tar.gz into <paramref name="directory"/>. Refuses links, devices, absolute names,
    /// <c>..</c>, more than <paramref name="maxEntries"/> entries or more than <paramref name="maxBytes"/> in all.
    /// </summary>
    public static void Extract(Stream archive, string directory, long maxBytes = 256L << 20, int maxEntries = 10_000)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
        using var tar = new TarReader(gzip);
        long total = 0;
        var count = 0;
        while (tar.GetNextEntry() is { } entry)
        {
            if (++count > maxEntries) { throw new InvalidDataException($"the archive holds more than {maxEntries} entries."); }
            var name = entry.Name.TrimEnd('/');
            // `tar -C dir -czf x.tgz .` names the folder itself "./" and every entry "./…": the same tree, relative to the target.
            while (name.StartsWith("./", StringComparison.Ordinal)) { name = name[2..]; }
            if (name == "." && entry.EntryType == TarEntryType.Directory) { continue; }
            if (name.Length == 0 || name.StartsWith('/') || name.Split('/').Any(s => s is ".." or "") || name.Contains('\\', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"archive entry '{entry.Name}' has an unsafe name.");
            }
            var target = Path.GetFullPath(Path.Combine(root, name));
            if (!target.StartsWith(root + "/", StringComparison.Ordinal)) { throw new InvalidDataException($"archive entry '{entry.Name}' leaves the target."); }
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    total += entry.Length;
                    if (total > maxBytes) { throw new InvalidDataException($"the archive unpacks to more than {maxBytes} bytes."); }
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
                    {
                        entry.DataStream?.CopyTo(file);
                    }
                    break;
                default:
                    throw new InvalidDataException($"archive entry '{entry.Name}' is a {entry.EntryType}; only files and directories are accepted.");
            }
        }
    }

    /// <summary>Reads every file under <paramref name="directory"/> as UTF-8 text (relative path → content), e.g. to archive a new current best.</summary>
    public static IReadOnlyDictionary<string, string> ReadFiles(string directory)
    {
        var root = Path.GetFullPath(directory);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).LinkTarget is null)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), f => File.ReadAllText(f, Utf8), StringComparer.Ordinal);
    }

    /// <summary>Writes text files (relative path → content) under <paramref name="directory"/>.</summary>
    public static void WriteFiles(string directory, IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text, Utf8);
        }
    }
}
