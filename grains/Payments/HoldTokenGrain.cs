using L402Train.Grains.Training;
using L402Train.Grains.Workers;
using L402Train.Lightning;
using L402Train.Runtime;

namespace L402Train.Grains.Payments;

/// <summary>State of a hold token: consumed or not, and the deposit it paid.</summary>
internal sealed record HoldTokenState
{
    /// <summary>True once a request used the token.</summary>
    public bool Consumed { get; init; }

    /// <summary>The deposit's payment hash.</summary>
    public PaymentHash? PaymentHash { get; init; }
}

/// <summary>One hold token, keyed by token id (hex): consumable exactly once across every silo.</summary>
/// <remarks>
/// Moved here from the gateway (a deposit's life cycle is Payments'); the alias, grain type and
/// state name are unchanged, so tokens stored before the move still load.
/// </remarks>
[Alias("l402.IHoldTokenGrain")]
public interface IHoldTokenGrain : IGrainWithStringKey
{
    /// <summary>True when consumed.</summary>
    Task<bool> IsConsumedAsync();

    /// <summary>Consumes the token; true only for the first caller. The version check on the write makes this hold across silos.</summary>
    Task<bool> TryConsumeAsync(PaymentHash paymentHash);

    /// <summary>
    /// Consumes the token and, in the same write, queues <paramref name="unfiled"/> to run after
    /// <paramref name="grace"/>: a deposit whose request files nothing is refunded then, not when its HTLC expires.
    /// </summary>
    Task<bool> TryConsumeDepositAsync(PaymentHash paymentHash, UnfiledDepositJob? unfiled, TimeSpan grace);
}

/// <inheritdoc cref="IHoldTokenGrain"/>
[GrainType("hold-token")]
internal sealed class HoldTokenGrain([PersistentState("token")] IPersistentState<HoldTokenState> token) : OutboxGrain, IHoldTokenGrain
{
    /// <inheritdoc/>
    public Task<bool> IsConsumedAsync() => Task.FromResult(token.State.Consumed);

    /// <inheritdoc/>
    public Task<bool> TryConsumeAsync(PaymentHash paymentHash) => TryConsumeDepositAsync(paymentHash, null, TimeSpan.Zero);

    /// <inheritdoc/>
    public async Task<bool> TryConsumeDepositAsync(PaymentHash paymentHash, UnfiledDepositJob? unfiled, TimeSpan grace)
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
                ExperimentGrain.OwnerKind => InvoicePurpose.ExperimentPayment,
                _ => InvoicePurpose.BountyDeposit,
            }, unfiled.AmountSat);
        }
        return true;
    }
}
