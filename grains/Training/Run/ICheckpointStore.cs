using L402Train.Model.Tensors;

namespace L402Train.Grains.Training;

/// <summary>Checkpoint versions as safetensors files in the blob store, with a cache of decoded weights.</summary>
public interface ICheckpointStore
{
    /// <summary>Writes a checkpoint version; returns its reference (content hash, size).</summary>
    Task<CheckpointRef> SaveAsync(ParameterSet weights, int version, int fromRound, CancellationToken cancellationToken = default);

    /// <summary>The weights of a checkpoint (cached; callers must not modify the returned set).</summary>
    Task<ParameterSet> LoadAsync(CheckpointRef checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Opens the safetensors file for download.</summary>
    Task<Stream> OpenAsync(CheckpointRef checkpoint, CancellationToken cancellationToken = default);
}

/// <summary>Gradient payloads in the blob store.</summary>
public interface IGradientStore
{
    /// <summary>Stores a payload; returns its blob hash.</summary>
    Task<string> SaveAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>Reads a payload back.</summary>
    Task<byte[]> LoadAsync(string blobHash, CancellationToken cancellationToken = default);
}
