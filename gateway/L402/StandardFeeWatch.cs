using L402Train.Gateway.Apis;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.L402.Gate;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Gateway.L402;

/// <summary>
/// Queues a fee check for every standard challenge the gate issues, at the moment its invoice
/// stops being payable: a fee paid whose token is never presented is then recorded too. (A used
/// token records its fee at once; both paths record once, by payment hash.) Without it such a fee
/// would be on the node but not in the ledger, and <c>silo ledger check</c> would report the difference.
/// </summary>
public sealed class StandardFeeWatch(IServiceProvider services) : IL402ChallengeObserver
{
    // A little after the invoice stops being payable, so the node reports its final state.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    // The ledger group of each priced capability; another capability's fee is grouped as a checkpoint fee.
    private static readonly Dictionary<string, InvoicePurpose> Purposes = new(StringComparer.Ordinal)
    {
        [TrainingApi.CheckpointCapability] = InvoicePurpose.CheckpointFee,
        [BountyApi.ReadCapability] = InvoicePurpose.BountyAccess,
        [InferenceApi.Capability] = InvoicePurpose.Inference,
    };

    /// <inheritdoc/>
    public async Task ChallengeIssuedAsync(L402IssuedChallenge challenge, string capability, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        // Hold invoices are deposits: their own jobs settle or cancel them.
        if (challenge.Mode != L402Mode.Standard) return;
        var purpose = Purposes.GetValueOrDefault(capability, InvoicePurpose.CheckpointFee);
        // Resolved per call: the gate is built before the silo that owns the outbox.
        var jobs = services.GetRequiredService<JobQueue>();
        await jobs.EnqueueAsync(CheckpointFees.CheckAtExpiry(challenge.PaymentHash, challenge.ExpiresAt + Margin, purpose), cancellationToken);
    }
}
