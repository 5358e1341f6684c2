using L402Train.Bounties.Shipped;
using L402Train.Runtime;

namespace L402Train.Grains.Bounties.Validation;

/// <summary>
/// A validator's on-disk copies of bounty archives (current-best trees and held-out sets), unpacked
/// once per blob hash under <see cref="Root"/>. An archive is unpacked into a temporary directory
/// and renamed into place, so concurrent validations never see a half-written tree.
/// </summary>
public sealed class BountyWorkspace
{
    private const UnixFileMode TraverseOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly IBlobStore blobs;

    // Archive folders are named by a salted hash: a held-out archive's blob hash is its published
    // SHA-256, and the folders must stay traversable by the sandbox user, so other local users
    // must not be able to list them or derive their names.
    private readonly byte[] salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);

    /// <summary>Creates a workspace under <paramref name="root"/> (made traversable by the sandbox user).</summary>
    public BountyWorkspace(IBlobStore blobs, string root)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        this.blobs = blobs;
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Path.Combine(Root, "archives"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Root, TraverseOnly);
            File.SetUnixFileMode(Path.Combine(Root, "archives"), TraverseOnly);
        }
    }

    /// <summary>Where unpacked archives live; also the sandbox's scratch root.</summary>
    public string Root { get; }

    /// <summary>The unpacked directory of archive blob <paramref name="blobHash"/>.</summary>
    public async Task<string> UnpackAsync(string blobHash, CancellationToken cancellationToken)
    {
        if (!ContentHash.TryParse(blobHash, out var hash)) throw new ArgumentException($"'{blobHash}' is not a blob hash.", nameof(blobHash));
        var name = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(salt, System.Text.Encoding.ASCII.GetBytes(hash.ToString())));
        var target = Path.Combine(Root, "archives", name);
        if (Directory.Exists(target)) return target;
        var temporary = $"{target}.{Guid.NewGuid():N}.tmp";
        await using (var archive = await blobs.OpenReadAsync(hash, cancellationToken))
        {
            BountyArchive.Extract(archive, temporary);
        }
        try
        {
            Directory.Move(temporary, target);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            // Another validation unpacked the same archive first; its copy is identical.
            Directory.Delete(temporary, recursive: true);
        }
        return target;
    }

    /// <summary>Packs a directory's files into a deterministic archive and stores it; returns the blob hash.</summary>
    public async Task<string> PackAsync(string directory, CancellationToken cancellationToken)
    {
        var bytes = BountyArchive.Create(BountyArchive.ReadFiles(directory));
        using var stream = new MemoryStream(bytes, writable: false);
        return (await blobs.PutAsync(stream, cancellationToken)).ToString();
    }
}
