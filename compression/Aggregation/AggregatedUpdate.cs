namespace L402Train.Compression;

/// <summary>The dense update a round's peers produce together, one array per manifest tensor.</summary>
public sealed class AggregatedUpdate
{
    internal AggregatedUpdate(TensorManifest manifest, float[][] tensors, double[] medianNorms, string[] peerOrder)
    {
        Manifest = manifest;
        Tensors = tensors;
        MedianNorms = medianNorms;
        PeerOrder = peerOrder;
    }

    /// <summary>The manifest the tensors follow.</summary>
    public TensorManifest Manifest { get; }

    /// <summary>Dense update per tensor (row-major): the mean over the peers that sent each coordinate, 0 elsewhere.</summary>
    public IReadOnlyList<float[]> Tensors { get; }

    /// <summary>Per tensor, the median (lower middle) of the peers' value norms that each peer was clipped to.</summary>
    public IReadOnlyList<double> MedianNorms { get; }

    /// <summary>Peer keys in the order they were reduced (ordinal).</summary>
    public IReadOnlyList<string> PeerOrder { get; }
}
