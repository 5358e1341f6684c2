using System.Security.Cryptography;
using System.Text;
using L402Train.Lightning.Secp256k1;

namespace L402Train.Lightning.Signing;

/// <summary>
/// LND's <c>signmessage</c> / <c>verifymessage</c>: a recoverable ECDSA signature by the node key over
/// SHA-256(SHA-256(<c>"Lightning Signed Message:"</c> ‖ message)), sent as z-base-32 of 65 bytes (header
/// 31 + recovery id, then r ‖ s). Anyone holding the message and the signature recovers the signer's
/// node id, so a document signed here verifies with <c>lncli verifymessage</c> and vice versa.
/// </summary>
public static class SignedMessage
{
    private static readonly byte[] Prefix = Encoding.UTF8.GetBytes("Lightning Signed Message:");

    /// <summary>The 32 bytes that are signed for <paramref name="message"/>.</summary>
    public static byte[] Digest(ReadOnlySpan<byte> message)
    {
        var prefixed = new byte[Prefix.Length + message.Length];
        Prefix.CopyTo(prefixed, 0);
        message.CopyTo(prefixed.AsSpan(Prefix.Length));
        return SHA256.HashData(SHA256.HashData(prefixed));
    }

    /// <summary>Signs <paramref name="message"/> with <paramref name="key"/>, as LND's <c>signmessage</c>.</summary>
    public static string Sign(NodeKey key, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signature = key.Sign(Digest(message));
        var bytes = new byte[65];
        bytes[0] = (byte)(31 + signature.RecoveryId);
        signature.Compact.CopyTo(bytes, 1);
        return ZBase32.Encode(bytes);
    }

    /// <summary>
    /// The node id that signed <paramref name="message"/> with <paramref name="signature"/> (z-base-32), as LND's
    /// <c>verifymessage</c> recovers it; null when the signature is malformed or recovers no key.
    /// </summary>
    public static NodeId? Recover(ReadOnlySpan<byte> message, string signature, Secp256k1Engine? engine = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (!ZBase32.TryDecode(signature, out var bytes) || bytes.Length != 65) return null;
        var recoveryId = bytes[0] - 27;
        // 27–30 name an uncompressed key, 31–34 a compressed one; LND signs compressed, and the id is the same point.
        if (recoveryId >= 4) recoveryId -= 4;
        if (recoveryId is < 0 or > 3) return null;
        var compact = bytes.AsSpan(1);
        // A high-S signature is malleable: refuse it, as libsecp256k1's verify does.
        if (!Secp256k1Engine.IsLowS(compact)) return null;
        var key = (engine ?? Secp256k1Engine.Default).Recover(Digest(message), compact, recoveryId);
        return key is null ? null : new NodeId(key);
    }
}
