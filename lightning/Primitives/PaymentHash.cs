using System.Security.Cryptography;

namespace L402Train.Lightning;

/// <summary>The SHA-256 of a payment preimage: 32 bytes that identify a payment.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(PaymentHashJsonConverter))]
public readonly record struct PaymentHash
{
    private readonly ReadOnlyMemory<byte> bytes;

    /// <summary>Wraps exactly 32 bytes (copied).</summary>
    public PaymentHash(ReadOnlySpan<byte> value)
    {
        if (value.Length != 32) throw new ArgumentException($"A payment hash is 32 bytes, got {value.Length}.", nameof(value));
        bytes = value.ToArray();
    }

    /// <summary>The 32 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => bytes.Span;

    /// <summary>Lowercase hex, as LND and BOLT11 tools print it.</summary>
    public string ToHex() => Convert.ToHexStringLower(bytes.Span);

    /// <summary>Parses 64 hex characters, either case.</summary>
    public static PaymentHash FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != 64) throw new FormatException($"A payment hash is 64 hex characters, got {hex.Length}.");
        return new PaymentHash(Convert.FromHexString(hex));
    }

    /// <summary>True when <paramref name="preimage"/> hashes to this value.</summary>
    public bool Matches(Preimage preimage) => SHA256.HashData(preimage.Bytes).AsSpan().SequenceEqual(bytes.Span);

    /// <summary>Value equality over the 32 bytes.</summary>
    public bool Equals(PaymentHash other) => bytes.Span.SequenceEqual(other.bytes.Span);

    /// <inheritdoc />
    public override int GetHashCode() => bytes.Length == 0 ? 0 : BitConverter.ToInt32(bytes.Span);

    /// <inheritdoc />
    public override string ToString() => ToHex();
}
