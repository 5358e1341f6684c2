using L402Train.Grains.Payments;
using L402Train.L402.Caveats;
using L402Train.L402.Tokens;
using L402Train.Lightning;

namespace L402Train.Gateway.L402;

/// <summary>The L402 gate's single-use record for hold tokens, durable on the grain layer.</summary>
internal sealed class GrainHoldTokenRegistry(IGrainFactory grains, UnfiledDepositOptions? unfiled = null) : IHoldTokenRegistry
{
    private readonly TimeSpan grace = (unfiled ?? new UnfiledDepositOptions()).Grace;

    /// <inheritdoc/>
    public async ValueTask<bool> IsConsumedAsync(TokenId tokenId, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<IHoldTokenGrain>(tokenId.ToHex()).IsConsumedAsync();

    /// <inheritdoc/>
    public async ValueTask<bool> TryConsumeAsync(TokenId tokenId, PaymentHash paymentHash, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<IHoldTokenGrain>(tokenId.ToHex()).TryConsumeAsync(paymentHash);

    /// <inheritdoc/>
    public async ValueTask<bool> TryConsumeAsync(TokenId tokenId, PaymentHash paymentHash, IReadOnlyList<Caveat> caveats, Sats amount, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<IHoldTokenGrain>(tokenId.ToHex()).TryConsumeDepositAsync(paymentHash, UnfiledDeposits.For(paymentHash, tokenId.ToHex(), caveats, amount), grace);
}

/// <summary>Derives deposit preimages from the gate's key ring (nothing stored).</summary>
internal sealed class KeyRingDepositPreimages(RootKeyRing keys) : Grains.Payments.IDepositPreimages
{
    /// <inheritdoc/>
    public Preimage? ForToken(string tokenIdHex) => keys.DeriveHoldPreimage(TokenId.FromHex(tokenIdHex));
}
