using L402Train.L402.Challenges;
using L402Train.L402.Macaroons;
using L402Train.L402.Tokens;
using L402Train.Lightning;

namespace L402Train.L402.Gate;

/// <summary>A freshly minted challenge: the unpaid token and the invoice that pays for it.</summary>
/// <param name="Challenge">The <c>WWW-Authenticate</c> challenge.</param>
/// <param name="Macaroon">The minted macaroon.</param>
/// <param name="TokenId">Its token id.</param>
/// <param name="PaymentHash">The invoice's payment hash (in the identifier too).</param>
/// <param name="Amount">The price.</param>
/// <param name="Mode">Standard or hold.</param>
/// <param name="ExpiresAt">When the invoice stops being payable.</param>
public sealed record L402IssuedChallenge(
    L402Challenge Challenge,
    Macaroon Macaroon,
    TokenId TokenId,
    PaymentHash PaymentHash,
    Sats Amount,
    L402Mode Mode,
    DateTimeOffset ExpiresAt);
