using System.Text;

namespace L402Train.L402.Macaroons;

/// <summary>
/// One caveat of a macaroon. A first-party caveat is a condition the verifier checks itself
/// (<see cref="VerificationId"/> is null); a third-party caveat carries a verification id and
/// needs a discharge macaroon, which L402 never uses, so verification refuses it.
/// </summary>
public sealed class MacaroonCaveat
{
    // Kept as an array: a null byte[] converts silently to an empty ReadOnlyMemory, which would
    // turn every first-party caveat into a third-party one.
    private readonly byte[]? verificationId;

    /// <summary>Creates a caveat; the byte arrays are owned by the caveat from here on.</summary>
    public MacaroonCaveat(byte[] identifier, byte[]? verificationId = null, string? location = null)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        Identifier = identifier;
        this.verificationId = verificationId;
        Location = location;
    }

    /// <summary>The caveat id: for a first-party caveat the condition, e.g. <c>services=l402train:0</c>.</summary>
    public ReadOnlyMemory<byte> Identifier { get; }

    /// <summary>The verification id of a third-party caveat; null for a first-party caveat.</summary>
    public ReadOnlyMemory<byte>? VerificationId => verificationId is null ? (ReadOnlyMemory<byte>?)null : verificationId;

    /// <summary>Where the discharge comes from (third-party caveats only).</summary>
    public string? Location { get; }

    /// <summary>True for a third-party caveat.</summary>
    public bool IsThirdParty => verificationId is not null;

    /// <summary>The caveat id as UTF-8 text (invalid sequences become U+FFFD).</summary>
    public override string ToString() => Encoding.UTF8.GetString(Identifier.Span);
}
