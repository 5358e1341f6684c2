using System.Collections.Concurrent;
using L402Train.Runtime;
using L402Train.Model.Checkpoints;
using L402Train.Model.Gpt;
using L402Train.Model.Tensors;

namespace L402Train.Grains.Training;

/// <summary>
/// Checkpoints as safetensors files (config and version in the metadata) in the content-addressed
/// blob store. Decoded weights are cached per version: validators score many submissions against
/// the same base.
/// </summary>
public sealed class BlobCheckpointStore(IBlobStore blobs, GptConfig config, TimeProvider time) : ICheckpointStore
{
    private const int CachedVersions = 3;
    private readonly ConcurrentDictionary<string, ParameterSet> cache = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public async Task<CheckpointRef> SaveAsync(ParameterSet weights, int version, int fromRound, CancellationToken cancellationToken = default)
    {
        var bytes = Checkpoint.ToBytes(config, weights, version);
        using var stream = new MemoryStream(bytes, writable: false);
        var hash = (await blobs.PutAsync(stream, cancellationToken)).ToString();
        Remember(hash, weights.Clone());
        return new CheckpointRef(version, hash, bytes.Length, fromRound, time.GetUtcNow());
    }

    /// <inheritdoc/>
    public async Task<ParameterSet> LoadAsync(CheckpointRef checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (cache.TryGetValue(checkpoint.BlobHash, out var cached)) return cached;
        await using var stream = await OpenAsync(checkpoint, cancellationToken);
        var loaded = Checkpoint.Load(stream, config);
        if (loaded.Version != checkpoint.Version)
            throw new InvalidDataException($"Checkpoint blob {checkpoint.BlobHash} holds version {loaded.Version}, expected {checkpoint.Version}.");
        Remember(checkpoint.BlobHash, loaded.Parameters);
        return loaded.Parameters;
    }

    /// <inheritdoc/>
    public Task<Stream> OpenAsync(CheckpointRef checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!Runtime.ContentHash.TryParse(checkpoint.BlobHash, out var hash))
            throw new InvalidDataException($"'{checkpoint.BlobHash}' is not a blob hash.");
        return blobs.OpenReadAsync(hash, cancellationToken);
    }

    private void Remember(string hash, ParameterSet weights)
    {
        if (cache.Count >= CachedVersions) cache.Clear();
        cache[hash] = weights;
    }
}

/// <summary>Gradient payloads in the content-addressed blob store.</summary>
public sealed class BlobGradientStore(IBlobStore blobs) : IGradientStore
{
    /// <inheritdoc/>
    public async Task<string> SaveAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        return (await blobs.PutAsync(stream, cancellationToken)).ToString();
    }

    /// <inheritdoc/>
    public async Task<byte[]> LoadAsync(string blobHash, CancellationToken cancellationToken = default)
    {
        if (!Runtime.ContentHash.TryParse(blobHash, out var hash)) throw new InvalidDataException($"'{blobHash}' is not a blob hash.");
        await using var stream = await blobs.OpenReadAsync(hash, cancellationToken);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }
}
