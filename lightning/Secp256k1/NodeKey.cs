using System.Security.Cryptography;
using L402Train.Lightning.Secp256k1;

namespace L402Train.Lightning;

/// <summary>A node's secp256k1 secret key, with the <see cref="NodeId"/> it implies. Signs invoices.</summary>
public sealed class NodeKey
{
    private readonly byte[] secret;

    /// <summary>Wraps a 32-byte secret key (copied); refuses a key outside [1, n-1].</summary>
    public NodeKey(ReadOnlySpan<byte> secretKey, Secp256k1Engine? engine = null)
    {
        Engine = engine ?? Secp256k1Engine.Default;
        if (!Engine.IsValidSecretKey(secretKey)) throw new ArgumentException("A node key is 32 bytes in [1, n-1].", nameof(secretKey));
        secret = secretKey.ToArray();
        Id = new NodeId(Engine.GetPublicKey(secret));
    }

    /// <summary>The engine that signs with this key.</summary>
    public Secp256k1Engine Engine { get; }

    /// <summary>The node's public key.</summary>
    public NodeId Id { get; }

    /// <summary>A fresh random key from the OS CSPRNG.</summary>
    public static NodeKey Generate(Secp256k1Engine? engine = null)
    {
        var candidate = new byte[32];
        var e = engine ?? Secp256k1Engine.Default;
        do RandomNumberGenerator.Fill(candidate);
        while (!e.IsValidSecretKey(candidate));
        return new NodeKey(candidate, e);
    }

    /// <summary>Parses 64 hex characters.</summary>
    public static NodeKey FromHex(string hex, Secp256k1Engine? engine = null) => new(Convert.FromHexString(hex), engine);

    /// <summary>The secret as lowercase hex (for durable storage only).</summary>
    public string ToSecretHex() => Convert.ToHexStringLower(secret);

    /// <summary>Signs a 32-byte hash with a recoverable low-S signature.</summary>
    public RecoverableSignature Sign(ReadOnlySpan<byte> hash32) => Engine.Sign(hash32, secret);

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"NodeKey({Id})";
}
