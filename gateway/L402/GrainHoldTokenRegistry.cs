using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using L402Train.Runtime;
using L402Train.L402.Caveats;
using L402Train.L402.Tokens;
using L402Train.Lightning;

namespace L402Train.Gateway.L402;

/// <summary>State of a hold token: consumed or not, and the deposit it paid.</summary>
public sealed record HoldTokenState
{
    /// <summary>True once a request used the token.</summary>
    public bool Consumed { get; init; }

    /// <summary>The deposit's payment hash (hex).</summary>
    public string? PaymentHash { get; init; }
}

/// <summary>One hold token, keyed by token id (hex): consumable exactly once across every silo.</summary>
[Alias("l402.IHoldTokenGrain")]
public interface IHoldTokenGrain : IGrainWithStringKey
{
    /// <summary>True when consumed.</summary>
    Task<bool> IsConsumedAsync();

    /// <summary>Consumes the token; true only for the first caller. The version check on the write makes this hold across silos.</summary>
    Task<bool> TryConsumeAsync(string paymentHash);

    /// <summary>
    /// Consumes the token and, in the same write, queues <paramref name="unfiled"/> to run after
    /// <paramref name="grace"/>: a deposit whose request files nothing is refunded then, not when its HTLC expires.
    /// </summary>
    Task<bool> TryConsumeDepositAsync(string paymentHash, UnfiledDepositJob? unfiled, TimeSpan grace);
}

/// <inheritdoc cref="IHoldTokenGrain"/>
[GrainType("hold-token")]
public sealed class HoldTokenGrain([PersistentState("token")] IPersistentState<HoldTokenState> token) : OutboxGrain, IHoldTokenGrain
{
    /// <inheritdoc/>
    public Task<bool> IsConsumedAsync() => Task.FromResult(token.State.Consumed);

    /// <inheritdoc/>
    public Task<bool> TryConsumeAsync(string paymentHash) => TryConsumeDepositAsync(paymentHash, null, TimeSpan.Zero);

    /// <inheritdoc/>
    public async Task<bool> TryConsumeDepositAsync(string paymentHash, UnfiledDepositJob? unfiled, TimeSpan grace)
    {
        if (token.State.Consumed) return false;
        if (unfiled is not null) EnqueueJob(unfiled.ToRequest(TimeProvider.GetUtcNow() + grace));
        token.State = new HoldTokenState { Consumed = true, PaymentHash = paymentHash };
        await token.WriteStateAsync();
        if (unfiled is not null)
        {
            MoneyMetrics.DepositHeld(unfiled.OwnerKind switch
            {
                SubmissionGrain.OwnerKind => InvoicePurpose.GradientDeposit,
                Grains.Workers.ExperimentGrain.OwnerKind => InvoicePurpose.ExperimentPayment,
                _ => InvoicePurpose.BountyDeposit,
            }, unfiled.AmountSat);
        }
        return true;
    }
}

/// <summary>The L402 gate's single-use record for hold tokens, durable on the grain layer.</summary>
public sealed class GrainHoldTokenRegistry(IGrainFactory grains, UnfiledDepositOptions? unfiled = null) : IHoldTokenRegistry
{
    private readonly TimeSpan grace = (unfiled ?? new UnfiledDepositOptions()).Grace;

    /// <inheritdoc/>
    public async ValueTask<bool> IsConsumedAsync(TokenId tokenId, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<IHoldTokenGrain>(tokenId.ToHex()).IsConsumedAsync();

    /// <inheritdoc/>
    public async ValueTask<bool> TryConsumeAsync(TokenId tokenId, PaymentHash paymentHash, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<IHoldTokenGrain>(tokenId.ToHex()).TryConsumeAsync(paymentHash.ToHex());

    /// <inheritdoc/>
    public async ValueTask<bool> TryConsumeAsync(TokenId tokenId, PaymentHash paymentHash, IReadOnlyList<Caveat> caveats, Sats amount, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<IHoldTokenGrain>(tokenId.ToHex()).TryConsumeDepositAsync(paymentHash.ToHex(), UnfiledDepositJob.For(paymentHash, tokenId.ToHex(), caveats, amount), grace);
}

/// <summary>Derives deposit preimages from the gate's key ring (nothing stored).</summary>
public sealed class KeyRingDepositPreimages(RootKeyRing keys) : Grains.Payments.IDepositPreimages
{
    /// <inheritdoc/>
    public Preimage? ForToken(string tokenIdHex) => keys.DeriveHoldPreimage(TokenId.FromHex(tokenIdHex));
}
