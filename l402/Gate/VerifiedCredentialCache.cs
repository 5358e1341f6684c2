using System.Collections.Concurrent;

namespace L402Train.L402.Gate;

/// <summary>
/// Standard credentials already verified, keyed by the exact <c>Authorization</c> value. A
/// paying client presents the same token on every request, so the signature chain and the
/// preimage check run once per token; what can change between requests (expiry, the request's
/// capability and scope, revocation) is checked again on every hit. Identical strings carry
/// identical bytes, so a hit proves the same signature and preimage. Bounded: when full, it
/// starts over (greenharbor caches verified credentials the same way).
/// </summary>
internal sealed class VerifiedCredentialCache(int capacity)
{
    private readonly ConcurrentDictionary<string, L402VerifiedToken> entries = new(StringComparer.Ordinal);

    public bool TryGet(string authorization, out L402VerifiedToken? token) => entries.TryGetValue(authorization, out token);

    public void Add(string authorization, L402VerifiedToken token)
    {
        if (capacity <= 0) return;
        if (entries.Count >= capacity) entries.Clear();
        entries[authorization] = token;
    }

    public void Remove(string authorization) => entries.TryRemove(authorization, out _);

    public int Count => entries.Count;

}
