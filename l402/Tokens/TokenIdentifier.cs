using System.Buffers.Binary;
using L402Train.Lightning;

namespace L402Train.L402.Tokens;

/// <summary>
/// The macaroon identifier of an L402 token, Aperture's version 0 layout (66 bytes, big-endian):
/// version (uint16, 0) ‖ payment hash (32) ‖ token id (32). It commits the token to the invoice.
/// </summary>
/// <param name="PaymentHash">The hash of the invoice that pays for the token.</param>
/// <param name="TokenId">The token's unique id.</param>
public sealed record TokenIdentifier(PaymentHash PaymentHash, TokenId TokenId)
{
    /// <summary>The only version defined.</summary>
    public const ushort CurrentVersion = 0;

    /// <summary>Encoded length in bytes.</summary>
    public const int Length = 2 + 32 + TokenId.Length;

    /// <summary>The 66-byte encoding.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, CurrentVersion);
        PaymentHash.Bytes.CopyTo(bytes.AsSpan(2));
        TokenId.Bytes.CopyTo(bytes.AsSpan(34));
        return bytes;
    }

    /// <summary>Decodes the 66-byte layout; false with the reason for another length or version.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out TokenIdentifier? identifier, out string? error)
    {
        identifier = null;
        if (bytes.Length < 2) { error = "The token identifier is shorter than its version field."; return false; }
        var version = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        if (version != CurrentVersion) { error = $"Unknown token identifier version {version}."; return false; }
        if (bytes.Length != Length) { error = $"A version 0 token identifier is 66 bytes, got {bytes.Length}."; return false; }
        identifier = new TokenIdentifier(new PaymentHash(bytes.Slice(2, 32)), new TokenId(bytes.Slice(34, 32)));
        error = null;
        return true;
    }

    /// <summary>Decodes the 66-byte layout; throws <see cref="FormatException"/>.</summary>
    public static TokenIdentifier Decode(ReadOnlySpan<byte> bytes) =>
        TryDecode(bytes, out var identifier, out var error) ? identifier! : throw new FormatException(error);
}
