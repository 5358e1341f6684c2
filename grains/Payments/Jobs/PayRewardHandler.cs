using L402Train.Runtime;
using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>
/// Pays a reward claim invoice exactly once: before paying it asks the node whether a payment to
/// this hash already exists (a re-run after a crash), and the node itself refuses to pay a hash twice.
/// </summary>
internal sealed class PayRewardHandler(ILightningNode node, PaymentOwners owners) : IJobHandler
{
    /// <summary>How long one payment attempt may take before the job retries.</summary>
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(60);

    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        var reward = job.Payload<RewardJob>();
        var hash = reward.PaymentHash;
        var tracked = job.Grains.GetGrain<IInvoiceGrain>(hash.ToHex());
        await tracked.TrackAsync(InvoiceDirection.Outgoing, reward.Purpose, reward.AmountSat, MoneyState.Paying, reward.Owner);
        var owner = owners.Reward(job.Grains, reward.OwnerKind, reward.OwnerKey);

        var payment = await node.LookupPaymentAsync(hash, cancellationToken);
        if (payment is { Status: PaymentStatus.InFlight })
            throw new InvalidOperationException($"Reward payment {reward.PaymentHash} is still in flight; checking again later.");
        if (payment is not { Status: PaymentStatus.Succeeded })
        {
            await tracked.RecordAsync(MoneyState.Paying, reward.AmountSat);
            payment = await node.PayAsync(
                new PaymentRequest(reward.Bolt11, reward.MaxFeeSat.ToMilliSats(), PaymentTimeout), cancellationToken);
        }

        MoneyMetrics.JobAnswered("pay", job.Time.GetUtcNow() - job.Job.RunAt);
        if (payment.Status == PaymentStatus.Succeeded)
        {
            var fee = new Sats((long)Math.Ceiling(payment.Fee.Value / 1000.0));
            await tracked.RecordAsync(MoneyState.Paid, payment.Amount.ToSatsFloor(), fee);
            await owner.RewardPaidAsync(reward.PaymentHash, payment.Amount.ToSatsFloor(), fee);
        }
        else
        {
            await tracked.RecordAsync(MoneyState.Failed, reward.AmountSat);
            await owner.RewardFailedAsync(reward.PaymentHash, $"payment failed: {payment.FailureReason}");
        }
    }
}
