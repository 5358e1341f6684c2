namespace L402Train.L402.Caveats;

/// <summary>What a request asks for, against which a token's caveats are checked.</summary>
/// <param name="Service">The service name (e.g. <c>l402train</c>).</param>
/// <param name="Capability">The capability the endpoint needs (e.g. <c>checkpoint</c>).</param>
/// <param name="Hold">True for a hold-mode endpoint (single-use tokens with <c>mode=hold</c>).</param>
/// <param name="Scope">Scope pairs the token must be bound to, e.g. <c>round=7</c>.</param>
/// <param name="Now">The verifier's clock.</param>
public sealed record AccessRequest(
    string Service,
    string Capability,
    bool Hold,
    IReadOnlyList<KeyValuePair<string, string>> Scope,
    DateTimeOffset Now)
{
    /// <summary>The scope value for <paramref name="key"/>, or null when the request has none.</summary>
    public string? ScopeValue(string key)
    {
        foreach (var pair in Scope)
        {
            if (pair.Key == key) return pair.Value;
        }
        return null;
    }
}
