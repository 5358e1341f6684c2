using L402Train.L402.Caveats;
using L402Train.L402.Gate;
using L402Train.L402.Macaroons;
using L402Train.L402.Tokens;
using L402Train.Lightning;
using Microsoft.AspNetCore.Http;

namespace L402Train.Gateway.Bounties;

/// <summary>
/// The sponsor's macaroon for managing one bounty: minted under the gate's root key ring, bound
/// to the funding invoice's hash, with the caveats <c>bounty=&lt;id&gt;</c> and capability
/// <see cref="Capability"/>. Presented as <c>Authorization: Bearer &lt;base64&gt;</c>; verified
/// offline (signature, caveats, and the identifier's hash equal to the bounty's funding hash).
/// </summary>
internal static class SponsorCredential
{
    /// <summary>The capability caveat of sponsor macaroons.</summary>
    public const string Capability = "sponsor";

    /// <summary>The scope caveat key naming the bounty.</summary>
    public const string ScopeKey = "bounty";

    /// <summary>Mints the sponsor macaroon of <paramref name="bountyId"/> (standard base64).</summary>
    public static string Mint(L402Gate gate, string bountyId, PaymentHash fundingHash, DateTimeOffset validUntil)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return gate.MintMacaroon(fundingHash, gate.Keys.NewTokenId(), Capability, L402Mode.Standard, [KeyValuePair.Create(ScopeKey, bountyId)], validUntil).ToBase64();
    }

    /// <summary>Null when the request carries the sponsor macaroon of the bounty; otherwise why not.</summary>
    public static string? Check(HttpRequest request, L402Gate gate, string bountyId, PaymentHash fundingPaymentHash)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(gate);
        var header = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
            return "send the sponsor macaroon returned by POST /bounties: Authorization: Bearer <macaroon>";
        var text = header[Bearer.Length..].Trim();
        if (text.Length > 8192) return "the bearer token is too long";
        if (!Macaroon.TryFromBase64(text, out var macaroon, out var error) || macaroon is null)
            return $"the bearer token is not a macaroon{(error is null ? "" : $": {error}")}";
        if (!TokenIdentifier.TryDecode(macaroon.Identifier.Span, out var identifier, out error) || identifier is null)
            return $"the macaroon is not one of this service: {error}";
        Span<byte> rootKey = stackalloc byte[32];
        if (!gate.Keys.TryDeriveRootKey(identifier.TokenId, rootKey) || !macaroon.VerifySignature(rootKey))
            return "the macaroon's signature does not verify";
        if (identifier.PaymentHash != fundingPaymentHash) return "the macaroon is not this bounty's sponsor macaroon";
        if (!CaveatVerifier.TryReadCaveats(macaroon.Caveats, out var caveats, out error)) return error;
        var access = new AccessRequest(gate.Options.ServiceName, Capability, Hold: false, [KeyValuePair.Create(ScopeKey, bountyId)], gate.Time.GetUtcNow());
        return new CaveatVerifier().Verify(caveats, access);
    }
}
