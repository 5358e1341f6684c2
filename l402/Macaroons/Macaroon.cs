using System.Security.Cryptography;
using System.Text;

namespace L402Train.L402.Macaroons;

/// <summary>
/// An immutable V2 macaroon, byte-compatible with libmacaroons, go-macaroon and js-macaroon:
/// an identifier, an optional location (not covered by the signature), caveats, and the HMAC
/// chain signature.
/// </summary>
public sealed class Macaroon
{
    private readonly MacaroonCaveat[] caveats;
    private readonly byte[] identifier;
    private readonly byte[] signature;

    internal Macaroon(string? location, byte[] identifier, IEnumerable<MacaroonCaveat> caveats, byte[] signature)
    {
        Location = location;
        this.identifier = identifier;
        this.caveats = [.. caveats];
        this.signature = signature;
    }

    /// <summary>A hint where the macaroon is used; not covered by the signature.</summary>
    public string? Location { get; }

    /// <summary>The identifier (for L402: the 66-byte token identifier).</summary>
    public ReadOnlyMemory<byte> Identifier => identifier;

    /// <summary>The caveats in order.</summary>
    public IReadOnlyList<MacaroonCaveat> Caveats => caveats;

    /// <summary>The 32-byte signature.</summary>
    public ReadOnlyMemory<byte> Signature => signature;

    /// <summary>Mints a macaroon with no caveats.</summary>
    public static Macaroon Mint(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> identifier, string? location = null)
    {
        var sig = new byte[MacaroonCrypto.SignatureLength];
        MacaroonCrypto.MintSignature(rootKey, identifier, sig);
        return new Macaroon(location, identifier.ToArray(), [], sig);
    }

    /// <summary>Returns a copy with a first-party caveat appended (UTF-8 of <paramref name="condition"/>).</summary>
    public Macaroon WithFirstPartyCaveat(string condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return WithFirstPartyCaveat(Encoding.UTF8.GetBytes(condition));
    }

    /// <summary>Returns a copy with a first-party caveat appended.</summary>
    public Macaroon WithFirstPartyCaveat(ReadOnlySpan<byte> condition)
    {
        var sig = (byte[])signature.Clone();
        MacaroonCrypto.Chain(sig, condition);
        return new Macaroon(Location, identifier, [.. caveats, new MacaroonCaveat(condition.ToArray())], sig);
    }

    /// <summary>
    /// True when the signature is the HMAC chain of this identifier and these caveats under
    /// <paramref name="rootKey"/> (constant-time comparison). A macaroon with a third-party caveat
    /// never verifies: L402 has no discharge macaroons.
    /// </summary>
    public bool VerifySignature(ReadOnlySpan<byte> rootKey)
    {
        Span<byte> sig = stackalloc byte[MacaroonCrypto.SignatureLength];
        MacaroonCrypto.MintSignature(rootKey, identifier, sig);
        foreach (var caveat in caveats)
        {
            if (caveat.IsThirdParty) return false;
            MacaroonCrypto.Chain(sig, caveat.Identifier.Span);
        }
        return CryptographicOperations.FixedTimeEquals(sig, signature);
    }

    /// <summary>The V2 binary form.</summary>
    public byte[] ToBinary() => MacaroonBinaryV2.Encode(this);

    /// <summary>Standard base64 with padding, as Aperture emits and accepts.</summary>
    public string ToBase64() => Convert.ToBase64String(ToBinary());

    /// <summary>URL-safe base64 without padding, as js-macaroon and pymacaroons print.</summary>
    public string ToBase64Url() => MacaroonBase64.EncodeUrlSafe(ToBinary());

    /// <summary>Decodes the V2 binary form; throws <see cref="MacaroonFormatException"/> saying what is wrong.</summary>
    public static Macaroon FromBinary(ReadOnlySpan<byte> data) => MacaroonBinaryV2.Decode(data);

    /// <summary>
    /// Decodes base64 of the V2 binary form: standard or URL-safe alphabet, with or without
    /// padding. Throws <see cref="MacaroonFormatException"/>.
    /// </summary>
    public static Macaroon FromBase64(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FromBinary(MacaroonBase64.Decode(text));
    }

    /// <summary>Like <see cref="FromBase64"/>, returning false with the reason instead of throwing.</summary>
    public static bool TryFromBase64(string text, out Macaroon? macaroon, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryFromBase64(text.AsSpan(), out macaroon, out error);
    }

    /// <summary>Like <see cref="TryFromBase64(string, out Macaroon?, out string?)"/> over characters in place.</summary>
    public static bool TryFromBase64(ReadOnlySpan<char> text, out Macaroon? macaroon, out string? error)
    {
        if (!MacaroonBase64.TryDecode(text, out var binary, out error))
        {
            macaroon = null;
            return false;
        }
        try
        {
            macaroon = FromBinary(binary);
            error = null;
            return true;
        }
        catch (MacaroonFormatException e)
        {
            macaroon = null;
            error = e.Message;
            return false;
        }
    }
}
