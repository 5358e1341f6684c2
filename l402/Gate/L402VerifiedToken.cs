using L402Train.L402.Caveats;
using L402Train.L402.Macaroons;
using L402Train.L402.Tokens;
using L402Train.Lightning;

namespace L402Train.L402.Gate;

/// <summary>
/// A token the gate accepted for the current request; endpoint handlers read it with
/// <c>HttpContext.GetL402Token()</c>.
/// </summary>
/// <param name="PaymentHash">The invoice hash the token is bound to (the deposit's hash in hold mode).</param>
/// <param name="TokenId">The token id.</param>
/// <param name="Mode">Standard or hold.</param>
/// <param name="Caveats">The token's caveats, in order.</param>
/// <param name="Preimage">The preimage the client presented (standard mode); null in hold mode.</param>
/// <param name="Macaroon">The macaroon that was verified.</param>
public sealed record L402VerifiedToken(
    PaymentHash PaymentHash,
    TokenId TokenId,
    L402Mode Mode,
    IReadOnlyList<Caveat> Caveats,
    Preimage? Preimage,
    Macaroon Macaroon);
