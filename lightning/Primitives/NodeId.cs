namespace L402Train.Lightning;

/// <summary>A Lightning node's identity: its 33-byte compressed secp256k1 public key.</summary>
public readonly record struct NodeId
{
    private readonly ReadOnlyMemory<byte> bytes;

    /// <summary>Wraps a 33-byte compressed public key (copied). The curve point is not checked here.</summary>
    public NodeId(ReadOnlySpan<byte> value)
    {
        if (value.Length != 33 || (value[0] != 2 && value[0] != 3))
            throw new ArgumentException("A node id is a 33-byte compressed public key starting with 02 or 03.", nameof(value));
        bytes = value.ToArray();
    }

    /// <summary>The 33 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => bytes.Span;

    /// <summary>Lowercase hex (66 characters).</summary>
    public string ToHex() => Convert.ToHexStringLower(bytes.Span);

    /// <summary>Parses 66 hex characters.</summary>
    public static NodeId FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != 66) throw new FormatException($"A node id is 66 hex characters, got {hex.Length}.");
        return new NodeId(Convert.FromHexString(hex));
    }

    /// <summary>Value equality over the 33 bytes.</summary>
    public bool Equals(NodeId other) => bytes.Span.SequenceEqual(other.bytes.Span);

    /// <inheritdoc />
    public override int GetHashCode() => bytes.Length == 0 ? 0 : BitConverter.ToInt32(bytes.Span[1..]);

    /// <inheritdoc />
    public override string ToString() => ToHex();
}
