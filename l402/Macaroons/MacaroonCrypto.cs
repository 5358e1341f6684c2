using System.Security.Cryptography;
using System.Text;

namespace L402Train.L402.Macaroons;

/// <summary>
/// The HMAC chain every macaroon library shares (libmacaroons, go-macaroon, js-macaroon):
/// the root key is first derived with HMAC("macaroons-key-generator", root key), then each
/// first-party caveat folds into the signature as sig = HMAC(sig, caveat id).
/// </summary>
internal static class MacaroonCrypto
{
    public const int SignatureLength = 32;

    private const int BlockSize = 64;
    private const int StackLimit = 512;

    private static readonly HmacKey KeyGenerator = new(Encoding.ASCII.GetBytes("macaroons-key-generator"));

    /// <summary>Derives the signing key from a root key of any length.</summary>
    public static void DeriveKey(ReadOnlySpan<byte> rootKey, Span<byte> key) => KeyGenerator.Compute(rootKey, key);

    /// <summary>The signature of a fresh macaroon: HMAC(derived key, identifier).</summary>
    public static void MintSignature(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> identifier, Span<byte> signature)
    {
        Span<byte> key = stackalloc byte[SignatureLength];
        DeriveKey(rootKey, key);
        Hmac(key, identifier, signature);
    }

    /// <summary>Folds one first-party caveat into a signature in place.</summary>
    public static void Chain(Span<byte> signature, ReadOnlySpan<byte> caveatId)
    {
        Span<byte> next = stackalloc byte[SignatureLength];
        Hmac(signature, caveatId, next);
        next.CopyTo(signature);
    }

    /// <summary>
    /// HMAC-SHA256 (RFC 2104) from two one-shot SHA-256 calls. The chain re-keys at every step,
    /// and the platform's one-shot HMAC sets up a MAC context per call, which costs several times
    /// as much as two digests of these short messages (see <see cref="Sha256Digest"/>).
    /// </summary>
    public static void Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> output)
    {
        if (message.Length > StackLimit)
        {
            HMACSHA256.HashData(key, message, output);
            return;
        }
        Span<byte> block = stackalloc byte[BlockSize];
        KeyBlock(key, block);

        Span<byte> inner = stackalloc byte[BlockSize + StackLimit];
        for (var i = 0; i < BlockSize; i++) inner[i] = (byte)(block[i] ^ 0x36);
        message.CopyTo(inner[BlockSize..]);
        Span<byte> outer = stackalloc byte[BlockSize + 32];
        Sha256Digest.Hash(inner[..(BlockSize + message.Length)], outer[BlockSize..]);
        for (var i = 0; i < BlockSize; i++) outer[i] = (byte)(block[i] ^ 0x5c);
        Sha256Digest.Hash(outer, output);
    }

    /// <summary>RFC 2104's K0: the key zero-padded to one block, or its digest when longer than a block.</summary>
    public static void KeyBlock(ReadOnlySpan<byte> key, Span<byte> block)
    {
        if (key.Length > BlockSize)
        {
            Sha256Digest.Hash(key, block);
            block[SignatureLength..BlockSize].Clear();
        }
        else
        {
            key.CopyTo(block);
            block[key.Length..BlockSize].Clear();
        }
    }
}
