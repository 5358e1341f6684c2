using System.Security.Cryptography;

namespace L402Train.Runtime;

/// <summary>Immutable blobs (checkpoints, gradients, archives) addressed by the SHA-256 of their bytes.</summary>
public interface IBlobStore
{
    /// <summary>Stores the stream's bytes (up to the size limit) and returns their hash; storing the same bytes twice is a no-op.</summary>
    Task<ContentHash> PutAsync(Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens a stored blob; throws <see cref="BlobNotFoundException"/> when there is none.</summary>
    Task<Stream> OpenReadAsync(ContentHash hash, CancellationToken cancellationToken = default);

    /// <summary>True when the blob is stored.</summary>
    bool Exists(ContentHash hash);
}

/// <summary>A blob larger than the store accepts; nothing was stored.</summary>
internal sealed class BlobTooLargeException(long limit)
    : Exception($"The blob exceeds the limit of {limit} bytes and was not stored.")
{
    /// <summary>The limit in bytes.</summary>
    public long Limit { get; } = limit;
}

/// <summary>
/// Blobs as files under <c>root/ab/abcdef...</c>. A put streams into a temporary file while
/// hashing, flushes it to disk and renames it into place, so readers never see a partial blob
/// and a crash leaves only a temporary file.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private readonly string root;
    private readonly string temporary;

    /// <summary>Stores under <paramref name="root"/>, refusing blobs over <paramref name="maxBlobBytes"/>.</summary>
    public FileSystemBlobStore(string root, long maxBlobBytes = 512L * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBlobBytes);
        this.root = Path.GetFullPath(root);
        temporary = Path.Combine(this.root, "tmp");
        MaxBlobBytes = maxBlobBytes;
        Directory.CreateDirectory(temporary);
    }

    /// <summary>The size limit per blob.</summary>
    public long MaxBlobBytes { get; }

    private string PathOf(ContentHash hash)
    {
        var hex = hash.ToString();
        return Path.Combine(root, hex[..2], hex);
    }

    /// <inheritdoc/>
    public async Task<ContentHash> PutAsync(Stream content, CancellationToken cancellationToken = default)
    {
        var temp = Path.Combine(temporary, $"{Guid.NewGuid():N}.part");
        ContentHash hash;
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (total > MaxBlobBytes) throw new BlobTooLargeException(MaxBlobBytes);
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                file.Flush(flushToDisk: true);
            }
            hash = ContentHash.FromDigest(sha.GetHashAndReset());
            var final = PathOf(hash);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (!File.Exists(final))
            {
                try
                {
                    File.Move(temp, final, overwrite: false);
                }
                catch (IOException) when (File.Exists(final))
                {
                    // Another writer stored the same bytes first: same address, same content.
                }
            }
        }
        finally
        {
            File.Delete(temp);
        }
        return hash;
    }

    /// <inheritdoc/>
    public Task<Stream> OpenReadAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        var path = PathOf(hash);
        if (!File.Exists(path)) throw new BlobNotFoundException(hash, path);
        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));
    }

    /// <inheritdoc/>
    public bool Exists(ContentHash hash) => File.Exists(PathOf(hash));
}
