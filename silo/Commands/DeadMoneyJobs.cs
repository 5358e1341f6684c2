using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;

namespace L402Train.Silo.Commands;

/// <summary>
/// The dead-letter listing an operator reads with <c>silo ledger check</c>: dead jobs of the types
/// that move or hold money. A dead validation has been turned into <c>validator_error</c> (its deposit
/// refunded) by its hook or the sweep; a dead settle, cancel, payout or unfiled-deposit refund needs a person.
/// </summary>
internal static class DeadMoneyJobs
{
    /// <summary>The job types listed, each with what its death means.</summary>
    public static readonly IReadOnlyDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PaymentJobTypes.SettleDeposit] = "a forfeited deposit is not settled",
        [PaymentJobTypes.CancelDeposit] = "a refunded deposit is not cancelled",
        [PaymentJobTypes.PayReward] = "a reward claim is not paid",
        [UnfiledDepositJob.JobType] = "an unfiled deposit is not refunded",
        [TrainingJobTypes.ValidateSubmission] = "settled as validator_error (deposit refunded)",
        [BountyJobTypes.Validate] = "settled as validator_error (deposit refunded)",
    };

    /// <summary>The most jobs listed per type (the count is always complete).</summary>
    public const int ListedPerType = 20;

    /// <summary>Writes one line per dead money job (up to <see cref="ListedPerType"/> per type) and returns how many there are.</summary>
    public static async Task<int> WriteAsync(IGrainStore store, TextWriter output, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var (type, meaning) in Types)
        {
            var listed = 0;
            for (var after = 0L; ;)
            {
                var page = await store.ListJobsAsync(type, JobState.Dead, after, 500, cancellationToken);
                if (page.Count == 0) break;
                foreach (var job in page)
                {
                    total++;
                    if (listed++ < ListedPerType) await output.WriteLineAsync($"DEAD {job.Type}/{job.UniqueKey} after {job.Attempt} attempts ({meaning}): {job.LastError}");
                }
                after = page[^1].Id;
            }
        }
        await output.WriteLineAsync(total == 0 ? "dead money jobs: none" : $"dead money jobs: {total} (see the lines above and the silo log at error level)");
        return total;
    }
}
