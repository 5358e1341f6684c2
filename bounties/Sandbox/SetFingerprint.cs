using System.Globalization;
using System.Text;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// What a stored evaluation set looks like without reading it: every entry's relative path, kind, size and
/// modification time. Equal fingerprints mean a staged copy of the set is still a copy of it.
/// </summary>
internal static class SetFingerprint
{
    /// <summary>The fingerprint of the tree at <paramref name="root"/>; symlinks are refused as the copy refuses them.</summary>
    public static string Of(string root)
    {
        var text = new StringBuilder();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            if (entry.LinkTarget is not null)
            {
                throw new InvalidDataException($"'{entry.FullName}' is a symlink; baselines and data sets hold plain files only.");
            }
            var size = entry is FileInfo file ? file.Length : -1;
            text.Append(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(root, entry.FullName)}\0{size}\0{entry.LastWriteTimeUtc.Ticks}\n");
        }
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
