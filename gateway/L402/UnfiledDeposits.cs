using L402Train.Gateway.Apis;
using L402Train.Gateway.Bounties;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.L402.Caveats;
using L402Train.Lightning;

namespace L402Train.Gateway.L402;

/// <summary>How long a consumed deposit may wait for its request to file a submission before it is refunded.</summary>
public sealed class UnfiledDepositOptions
{
    /// <summary>
    /// The grace period after the token is consumed: longer than the slowest upload the gateway
    /// accepts, shorter than anyone should wait for a refund. A request that files after it gets 409
    /// and its deposit back.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Which consumed hold tokens get a <c>deposit.unfiled</c> check (<see cref="UnfiledDepositJob"/>).</summary>
internal static class UnfiledDeposits
{
    /// <summary>The check of a deposit whose token carried <paramref name="caveats"/>; null for a capability that files nothing.</summary>
    public static UnfiledDepositJob? For(PaymentHash paymentHash, string tokenIdHex, IReadOnlyList<Caveat> caveats, Sats amount)
    {
        ArgumentNullException.ThrowIfNull(caveats);
        var capability = caveats.FirstOrDefault(c => c.Condition.EndsWith(L402CaveatNames.CapabilitiesSuffix, StringComparison.Ordinal)).Value;
        return capability switch
        {
            TrainingApi.GradientCapability => new(paymentHash, tokenIdHex, amount, SubmissionGrain.OwnerKind, null),
            BountyApi.SubmitCapability => new(paymentHash, tokenIdHex, amount, BountySubmissionGrain.OwnerKind,
                caveats.FirstOrDefault(c => c.Condition == SponsorCredential.ScopeKey).Value),
            WorkerApi.Capability => new(paymentHash, tokenIdHex, amount, Grains.Workers.ExperimentGrain.OwnerKind, null),
            _ => null,
        };
    }
}

/// <summary>
/// <c>deposit.unfiled</c> (settler role): when the request that consumed a deposit never filed a
/// submission (bad input refused before filing, a client cut off mid-upload, a crash), files a
/// refusal instead, which queues the usual cancel job. The submission grain decides the race with
/// a late filing: whichever comes first is recorded, the other is a no-op, so a filed deposit is
/// never refunded by this and an unfiled one is refunded exactly once.
/// </summary>
internal sealed class RefundUnfiledDepositHandler : IJobHandler
{
    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var deposit = job.Payload<UnfiledDepositJob>();
        switch (deposit.OwnerKind)
        {
            case SubmissionGrain.OwnerKind:
                await job.Grains.GetGrain<ISubmissionGrain>(deposit.PaymentHash.ToHex()).RefuseAsync(deposit.TokenIdHex, deposit.AmountSat, UnfiledDepositJob.Reason);
                break;
            case BountySubmissionGrain.OwnerKind:
                await job.Grains.GetGrain<IBountySubmissionGrain>(deposit.PaymentHash.ToHex()).RefuseAsync(
                    new NewBountySubmission(deposit.BountyId ?? "", "anonymous", -1, null, null, 0, null, null, deposit.PaymentHash, deposit.TokenIdHex, deposit.AmountSat),
                    UnfiledDepositJob.Reason);
                break;
            case Grains.Workers.ExperimentGrain.OwnerKind:
                await job.Grains.GetGrain<Grains.Workers.IExperimentGrain>(deposit.PaymentHash.ToHex()).RefuseAsync(deposit.TokenIdHex, deposit.AmountSat, UnfiledDepositJob.Reason);
                break;
            default:
                throw new InvalidDataException($"Deposit {deposit.PaymentHash} names an unknown owner kind '{deposit.OwnerKind}'.");
        }
    }
}
