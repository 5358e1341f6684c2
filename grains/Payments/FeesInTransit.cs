using System.Text.Json;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>
/// Standard L402 fees paid but not in the ledger yet. Such a fee raises the node's balance when it
/// is paid, but the ledger records it only when its token is used or when its fee check runs at the
/// invoice's expiry; in between the ledger check counts it here instead of calling it a difference.
/// </summary>
internal static class FeesInTransit
{
    // Pages bound each query; the list keeps one small record (hash, purpose) per fee challenged
    // within one invoice lifetime. It is read whole before the ledger, which the order of reads needs.
    private const int PageSize = 1_000;

    /// <summary>What the fees in transit add up to.</summary>
    public readonly record struct Total(long Sat, int Count);

    /// <summary>
    /// The fee checks that have not finished: waiting for their time (or a retry) and running now.
    /// A dead check is left out on purpose: its fee will never reach the ledger, a real difference.
    /// </summary>
    public static async Task<IReadOnlyList<CheckpointFeeJob>> PendingChecksAsync(IGrainStore store, CancellationToken cancellationToken)
    {
        var pending = new List<CheckpointFeeJob>();
        foreach (var state in new[] { JobState.Available, JobState.Running })
        {
            for (var after = 0L; ;)
            {
                var page = await store.ListJobsAsync(TrainingJobTypes.CheckCheckpointFee, state, after, PageSize, cancellationToken);
                if (page.Count == 0) break;
                pending.AddRange(page.Select(job => JsonSerializer.Deserialize<CheckpointFeeJob>(job.PayloadJson, GrainJson.Options)
                    ?? throw new InvalidDataException($"Fee check job {job.Id} has no payload.")));
                after = page[^1].Id;
            }
        }
        return pending;
    }

    /// <summary>
    /// Sums the pending fees the node reports settled and the ledger does not hold. The ledger keeps
    /// one entry per payment hash, so a fee whose token was used (recorded at once, its check still
    /// queued) is skipped here and counted once.
    /// </summary>
    public static async Task<Total> FindAsync(IReadOnlyList<CheckpointFeeJob> pending, LedgerState ledger, ILightningNode node, CancellationToken cancellationToken)
    {
        var recorded = ledger.Entries.Select(e => e.PaymentHash).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var total = new Total(0, 0);
        foreach (var fee in pending)
        {
            if (recorded.Contains(fee.PaymentHash) || !seen.Add(fee.PaymentHash)) continue;
            var invoice = await node.LookupInvoiceAsync(PaymentHash.FromHex(fee.PaymentHash), cancellationToken);
            if (invoice is not { State: InvoiceState.Settled }) continue;
            // The same rounding as the fee check uses when it records the fee.
            total = new Total(checked(total.Sat + invoice.AmountPaid.ToSatsFloor().Value), total.Count + 1);
        }
        return total;
    }
}
