using L402Train.L402.Challenges;
using L402Train.L402.Tokens;
using Microsoft.AspNetCore.Http;

namespace L402Train.Gateway.Training;

/// <summary>
/// Proves that a caller owns a deposit: it presents the deposit's macaroon (the credential it
/// submitted with), whose signature verifies under our keys and whose identifier carries the
/// deposit's payment hash. Used to authorize reward claims, so knowing a submission id is not
/// enough to divert a reward.
/// </summary>
internal static class DepositOwnership
{
    /// <summary>Null when the request proves ownership of <paramref name="paymentHashHex"/>; otherwise why not.</summary>
    public static string? Check(HttpRequest request, RootKeyRing keys, string paymentHashHex)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(keys);
        var parsed = L402Credential.Parse(request.Headers.Authorization.ToArray());
        if (parsed.Credential is not { } credential)
            return parsed.Error ?? "send the deposit's macaroon: Authorization: L402 <macaroon>:";
        Span<byte> rootKey = stackalloc byte[32];
        foreach (var macaroon in credential.Macaroons)
        {
            if (!TokenIdentifier.TryDecode(macaroon.Identifier.Span, out var identifier, out _) || identifier is null) continue;
            if (identifier.PaymentHash.ToHex() != paymentHashHex) continue;
            if (keys.TryDeriveRootKey(identifier.TokenId, rootKey) && macaroon.VerifySignature(rootKey)) return null;
        }
        return "the credential is not the macaroon of this submission's deposit";
    }
}
