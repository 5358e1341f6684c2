using L402Train.Lightning;
using Microsoft.AspNetCore.Http;

namespace L402Train.L402.Gate;

/// <summary>What an endpoint charges: a price (fixed or per request), a capability, a mode and a scope.</summary>
/// <param name="Price">The price for this request.</param>
/// <param name="Capability">The capability the token must grant (e.g. <c>checkpoint</c>).</param>
/// <param name="Mode">Standard (reusable token) or hold (single-use deposit).</param>
/// <param name="Scope">Scope pairs the token is bound to, e.g. <c>("round", "7")</c>; null for none.</param>
public sealed record L402Requirement(
    Func<HttpContext, ValueTask<Sats>> Price,
    string Capability,
    L402Mode Mode = L402Mode.Standard,
    Func<HttpContext, IEnumerable<(string Key, string Value)>>? Scope = null);
