using System.Collections.Concurrent;
using L402Train.L402.Tokens;

namespace L402Train.Gateway.Inference;

/// <summary>
/// One paid inference token buys one completion: the first request that uses it claims it
/// atomically and revokes it, so the gate answers a fresh 402 to any later use. (A standard token
/// elsewhere — a checkpoint — stays reusable until it expires.)
/// </summary>
internal sealed class InferenceTokens(ITokenRevocationList revocations)
{
    private readonly ConcurrentDictionary<TokenId, byte> used = new();

    /// <summary>Claims <paramref name="tokenId"/>; false when another request already did.</summary>
    public async Task<bool> TryUseAsync(TokenId tokenId, CancellationToken cancellationToken)
    {
        if (!used.TryAdd(tokenId, 0)) return false;
        await revocations.RevokeAsync(tokenId, cancellationToken);
        return true;
    }
}
