namespace L402Train.L402.Tokens;

/// <summary>
/// The 32-byte token id of an L402 identifier (Aperture's "user identifier"). This project
/// puts the id of the server secret that minted the token in its first 4 bytes (big-endian)
/// and 28 random bytes after it, so a verifier finds the root key without storage and secrets
/// can rotate; to everyone else it stays 32 opaque bytes.
/// </summary>
public readonly record struct TokenId
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 32;

    private readonly ReadOnlyMemory<byte> bytes;

    /// <summary>Wraps exactly 32 bytes (copied).</summary>
    public TokenId(ReadOnlySpan<byte> value)
    {
        if (value.Length != Length) throw new ArgumentException($"A token id is 32 bytes, got {value.Length}.", nameof(value));
        bytes = value.ToArray();
    }

    /// <summary>The 32 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => bytes.Span;

    /// <summary>The id of the server secret this token's root key derives from (first 4 bytes, big-endian).</summary>
    public uint KeyId => bytes.IsEmpty ? 0 : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.Span);

    /// <summary>Lowercase hex (64 characters).</summary>
    public string ToHex() => Convert.ToHexStringLower(bytes.Span);

    /// <summary>Parses 64 hex characters.</summary>
    public static TokenId FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != 64) throw new FormatException($"A token id is 64 hex characters, got {hex.Length}.");
        return new TokenId(Convert.FromHexString(hex));
    }

    /// <summary>Value equality over the 32 bytes.</summary>
    public bool Equals(TokenId other) => bytes.Span.SequenceEqual(other.bytes.Span);

    /// <inheritdoc />
    public override int GetHashCode() => bytes.Length == 0 ? 0 : BitConverter.ToInt32(bytes.Span[4..]);

    /// <inheritdoc />
    public override string ToString() => ToHex();
}
