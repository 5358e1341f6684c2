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

    private static readonly byte[] KeyGenerator = Encoding.ASCII.GetBytes("macaroons-key-generator");

    /// <summary>Derives the signing key from a root key of any length.</summary>
    public static void DeriveKey(ReadOnlySpan<byte> rootKey, Span<byte> key) =>
        HMACSHA256.HashData(KeyGenerator, rootKey, key);

    /// <summary>The signature of a fresh macaroon: HMAC(derived key, identifier).</summary>
    public static void MintSignature(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> identifier, Span<byte> signature)
    {
        Span<byte> key = stackalloc byte[SignatureLength];
        DeriveKey(rootKey, key);
        HMACSHA256.HashData(key, identifier, signature);
    }

    /// <summary>Folds one first-party caveat into a signature in place.</summary>
    public static void Chain(Span<byte> signature, ReadOnlySpan<byte> caveatId)
    {
        Span<byte> next = stackalloc byte[SignatureLength];
        HMACSHA256.HashData(signature, caveatId, next);
        next.CopyTo(signature);
    }
}
