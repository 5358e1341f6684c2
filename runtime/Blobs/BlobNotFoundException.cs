namespace L402Train.Runtime;

/// <summary>
/// A blob this node's store does not hold. Every silo of a cluster reads the blobs another wrote, so
/// on a cluster this means the silos do not share one data folder: an operator's fault, which the
/// gateway answers as 503, never as a 500.
/// </summary>
public sealed class BlobNotFoundException(ContentHash hash, string path)
    : FileNotFoundException($"No blob {hash} under this silo's data folder; every silo of a cluster must share one --data-dir.", path)
{
    /// <summary>The blob asked for.</summary>
    public ContentHash Hash { get; } = hash;
}
