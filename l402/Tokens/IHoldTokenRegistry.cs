using System.Collections.Concurrent;
using L402Train.L402.Caveats;
using L402Train.Lightning;

namespace L402Train.L402.Tokens;

/// <summary>
/// The durable record that makes each hold-mode token pay for exactly one request. The grain
/// layer implements it across silos; consumption must be atomic (exactly one caller wins).
/// </summary>
public interface IHoldTokenRegistry
{
    /// <summary>True when the token was already consumed (cheap pre-check; the authority is <see cref="TryConsumeAsync(TokenId, PaymentHash, CancellationToken)"/>).</summary>
    ValueTask<bool> IsConsumedAsync(TokenId tokenId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the token consumed; true only for the first caller ever. <paramref name="paymentHash"/>
    /// is recorded with it so the deposit can be settled or cancelled later.
    /// </summary>
    ValueTask<bool> TryConsumeAsync(TokenId tokenId, PaymentHash paymentHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Consumes like <see cref="TryConsumeAsync(TokenId, PaymentHash, CancellationToken)"/>, told what the
    /// deposit paid for: the token's verified caveats (capability, scope) and the amount locked. A
    /// durable registry uses them to schedule, in the same write, the refund of a deposit whose
    /// request then fails before filing anything. The default ignores them.
    /// </summary>
    ValueTask<bool> TryConsumeAsync(TokenId tokenId, PaymentHash paymentHash, IReadOnlyList<Caveat> caveats, Sats amount, CancellationToken cancellationToken = default) =>
        TryConsumeAsync(tokenId, paymentHash, cancellationToken);
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
