using L402Train.Grains.Training;

namespace L402Train.Grains.Payments;

/// <summary>
/// A submission's deposit, a hold invoice: held until the verdict, which queues its refund (cancel)
/// or forfeit (settle); resolved once the job has run. A deposit the node cancelled on its own
/// (HTLC expiry) is refunded whatever the verdict said, and <see cref="Expired"/> records why.
/// </summary>
[GenerateSerializer, Immutable, Alias("l402.DepositHold")]
public sealed record DepositHold
{
    /// <summary>Where the deposit stands.</summary>
    [Id(0)]
    public DepositStatus Status { get; init; }

    /// <summary>When the deposit job finished; null while it is held or queued.</summary>
    [Id(1)]
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>True when the node cancelled the deposit before a settle could happen (HTLC expiry).</summary>
    [Id(2)]
    public bool Expired { get; init; }

    /// <summary>
    /// The verdict's decision: refund or forfeit queued. <see cref="DepositAction.None"/> is a deposit
    /// already back with the payer (the node cancelled it), so nothing is queued and it reads refunded.
    /// </summary>
    public DepositHold Decided(DepositAction action, bool expired = false) => this with
    {
        Status = action switch
        {
            DepositAction.Refund => DepositStatus.Refunding,
            DepositAction.Forfeit => DepositStatus.Forfeiting,
            _ => DepositStatus.Refunded,
        },
        Expired = Expired || expired,
    };

    /// <summary>The settle or cancel job's result, recorded once: a repeated report changes nothing.</summary>
    public DepositHold Resolved(DepositResolution resolution, DateTimeOffset at) => ResolvedAt is not null ? this : this with
    {
        Status = resolution == DepositResolution.Forfeited ? DepositStatus.Forfeited : DepositStatus.Refunded,
        Expired = Expired || resolution == DepositResolution.ExpiredBeforeSettle,
        ResolvedAt = at,
    };
}
