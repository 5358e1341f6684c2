using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace L402Train.Model.Corpus;

/// <summary>
/// Splits named documents into train and held-out sets by a keyed hash, HMAC-SHA256(secret, name).
/// <see cref="CorpusSplit"/> hashes the text alone, so anyone holding a public corpus can compute
/// its held-out side; with a key, only the holder of the secret knows which documents are held
/// out, and a peer that receives the training side learns nothing about the rest beyond what is
/// missing from it.
/// </summary>
public static class SecretSplit
{
    /// <summary>The 32-byte key derived from a secret seed (the coordinator's held-out seed).</summary>
    public static byte[] KeyFromSeed(ulong secretSeed)
    {
        Span<byte> seed = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(seed, secretSeed);
        // Domain-separated, so the key differs from anything else derived from the same seed.
        return HMACSHA256.HashData(Encoding.ASCII.GetBytes("l402train/corpus-split/v1"), seed);
    }

    /// <summary>True when the document named <paramref name="name"/> is held out under <paramref name="key"/>.</summary>
    public static bool IsHeldOut(string name, ReadOnlySpan<byte> key, double heldOutFraction)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(heldOutFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(heldOutFraction, 1.0);
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(name), hash);
        // The first 8 bytes as a uniform fraction in [0, 1).
        var position = (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
        return position < heldOutFraction;
    }
}
