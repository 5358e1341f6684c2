namespace L402Train.Compression;

/// <summary>SHA-256 of a submission's canonical sparse content (see <see cref="SparseSubmission.ComputeContentHash"/>).</summary>
public readonly struct ContentHash : IEquatable<ContentHash>
{
    private readonly byte[]? _bytes;

    internal ContentHash(byte[] bytes) => _bytes = bytes;

    /// <summary>The 32 hash bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <inheritdoc/>
    public bool Equals(ContentHash other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ContentHash other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _bytes is null ? 0 : BitConverter.ToInt32(_bytes, 0);

    /// <summary>Lower-case hex.</summary>
    public override string ToString() => Convert.ToHexStringLower(Bytes);

    /// <summary>Equality.</summary>
    public static bool operator ==(ContentHash left, ContentHash right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ContentHash left, ContentHash right) => !left.Equals(right);
}
