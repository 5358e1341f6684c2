using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>How a deposit ended.</summary>
[GenerateSerializer, Alias("l402.DepositResolution")]
public enum DepositResolution
{
    /// <summary>The hold invoice was cancelled on our verdict: the payer has the funds back.</summary>
    Refunded,
    /// <summary>The hold invoice was settled: the coordinator kept the deposit.</summary>
    Forfeited,
    /// <summary>The node cancelled the hold invoice (HTLC expiry) before we settled it: the payer has the funds back.</summary>
    ExpiredBeforeSettle,
}

/// <summary>A grain that owns a deposit and wants to hear how it ended.</summary>
[Alias("l402.IDepositOwner")]
public interface IDepositOwner : IGrainWithStringKey
{
    /// <summary>Called (at least once) when the deposit job has finished.</summary>
    Task DepositResolvedAsync(PaymentHash paymentHash, DepositResolution resolution);
}

/// <summary>A grain that owes a reward and wants to hear how its payment went.</summary>
[Alias("l402.IRewardOwner")]
public interface IRewardOwner : IGrainWithStringKey
{
    /// <summary>Called (at least once) after the payment succeeded.</summary>
    Task RewardPaidAsync(PaymentHash paymentHash, Sats amountSat, Sats feeSat);

    /// <summary>Called when the payment failed for good; the owner may accept a new claim.</summary>
    Task RewardFailedAsync(PaymentHash paymentHash, string reason);
}

/// <summary>
/// Maps an owner kind named in a job payload (<c>submission</c>, <c>bounty-submission</c>) to
/// its grain, so the shared deposit and reward jobs serve both tracks.
/// </summary>
public sealed class PaymentOwners
{
    private readonly Dictionary<string, Func<IGrainFactory, string, IDepositOwner>> deposits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<IGrainFactory, string, IRewardOwner>> rewards = new(StringComparer.Ordinal);

    /// <summary>Registers an owner kind whose grain interface owns deposits and rewards.</summary>
    public PaymentOwners Add<TGrain>(string kind) where TGrain : IDepositOwner, IRewardOwner
    {
        deposits[kind] = (f, key) => f.GetGrain<TGrain>(key);
        rewards[kind] = (f, key) => f.GetGrain<TGrain>(key);
        return this;
    }

    /// <summary>Registers an owner kind whose grain owns deposits (hold invoices) and never rewards.</summary>
    public PaymentOwners AddDepositOwner<TGrain>(string kind) where TGrain : IDepositOwner
    {
        deposits[kind] = (f, key) => f.GetGrain<TGrain>(key);
        return this;
    }

    /// <summary>The deposit owner for a kind and key.</summary>
    public IDepositOwner Deposit(IGrainFactory grains, string kind, string key) =>
        deposits.TryGetValue(kind, out var get) ? get(grains, key) : throw new InvalidOperationException($"No deposit owner kind '{kind}' is registered.");

    /// <summary>The reward owner for a kind and key.</summary>
    public IRewardOwner Reward(IGrainFactory grains, string kind, string key) =>
        rewards.TryGetValue(kind, out var get) ? get(grains, key) : throw new InvalidOperationException($"No reward owner kind '{kind}' is registered.");
}

/// <summary>Gives the preimage of a deposit hold invoice (derived from the server secret and the token id, never stored).</summary>
public interface IDepositPreimages
{
    /// <summary>The preimage for the deposit bound to <paramref name="tokenIdHex"/>; null when the key that made it is gone.</summary>
    Preimage? ForToken(string tokenIdHex);
}
