using System.Security.Cryptography;

namespace L402Train.Lightning;

/// <summary>A payment preimage: 32 secret bytes whose SHA-256 is the <see cref="PaymentHash"/>.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(PreimageJsonConverter))]
public readonly record struct Preimage
{
    private readonly ReadOnlyMemory<byte> bytes;

    /// <summary>Wraps exactly 32 bytes (copied).</summary>
    public Preimage(ReadOnlySpan<byte> value)
    {
        if (value.Length != 32) throw new ArgumentException($"A preimage is 32 bytes, got {value.Length}.", nameof(value));
        bytes = value.ToArray();
    }

    /// <summary>The 32 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => bytes.Span;

    /// <summary>A fresh random preimage from the OS CSPRNG.</summary>
    public static Preimage Random() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The payment hash this preimage unlocks.</summary>
    public PaymentHash Hash => new(SHA256.HashData(bytes.Span));

    /// <summary>Lowercase hex.</summary>
    public string ToHex() => Convert.ToHexStringLower(bytes.Span);

    /// <summary>Parses 64 hex characters, either case.</summary>
    public static Preimage FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != 64) throw new FormatException($"A preimage is 64 hex characters, got {hex.Length}.");
        return new Preimage(Convert.FromHexString(hex));
    }

    /// <summary>Value equality over the 32 bytes.</summary>
    public bool Equals(Preimage other) => bytes.Span.SequenceEqual(other.bytes.Span);

    /// <inheritdoc />
    public override int GetHashCode() => bytes.Length == 0 ? 0 : BitConverter.ToInt32(bytes.Span);

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => "Preimage(…)";
}
