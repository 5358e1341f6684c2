using System.Collections.Concurrent;

namespace L402Train.L402.Tokens;

/// <summary>Token ids that must no longer be honoured, however valid their signature.</summary>
public interface ITokenRevocationList
{
    /// <summary>True when <paramref name="tokenId"/> was revoked.</summary>
    ValueTask<bool> IsRevokedAsync(TokenId tokenId, CancellationToken cancellationToken = default);

    /// <summary>Revokes a token; idempotent.</summary>
    ValueTask RevokeAsync(TokenId tokenId, CancellationToken cancellationToken = default);
}

/// <summary>A process-local revocation list (tests and a single gateway).</summary>
public sealed class InMemoryTokenRevocationList : ITokenRevocationList
{
    private readonly ConcurrentDictionary<TokenId, byte> revoked = new();

    /// <inheritdoc />
    public ValueTask<bool> IsRevokedAsync(TokenId tokenId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(!revoked.IsEmpty && revoked.ContainsKey(tokenId));

    /// <inheritdoc />
    public ValueTask RevokeAsync(TokenId tokenId, CancellationToken cancellationToken = default)
    {
        revoked.TryAdd(tokenId, 0);
        return ValueTask.CompletedTask;
    }
}
