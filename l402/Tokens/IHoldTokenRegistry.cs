using System.Collections.Concurrent;
using L402Train.Lightning;

namespace L402Train.L402.Tokens;

/// <summary>
/// The durable record that makes each hold-mode token pay for exactly one request. The grain
/// layer implements it across silos; consumption must be atomic (exactly one caller wins).
/// </summary>
public interface IHoldTokenRegistry
{
    /// <summary>True when the token was already consumed (cheap pre-check; the authority is <see cref="TryConsumeAsync"/>).</summary>
    ValueTask<bool> IsConsumedAsync(TokenId tokenId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the token consumed; true only for the first caller ever. <paramref name="paymentHash"/>
    /// is recorded with it so the deposit can be settled or cancelled later.
    /// </summary>
    ValueTask<bool> TryConsumeAsync(TokenId tokenId, PaymentHash paymentHash, CancellationToken cancellationToken = default);
}

/// <summary>A process-local registry (tests and a single gateway); not durable.</summary>
public sealed class InMemoryHoldTokenRegistry : IHoldTokenRegistry
{
    private readonly ConcurrentDictionary<TokenId, PaymentHash> consumed = new();

    /// <inheritdoc />
    public ValueTask<bool> IsConsumedAsync(TokenId tokenId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(consumed.ContainsKey(tokenId));

    /// <inheritdoc />
    public ValueTask<bool> TryConsumeAsync(TokenId tokenId, PaymentHash paymentHash, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(consumed.TryAdd(tokenId, paymentHash));
}
