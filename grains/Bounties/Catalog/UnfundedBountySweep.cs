using L402Train.Grains.Retention;
using L402Train.Runtime;

namespace L402Train.Grains.Bounties.Catalog;

/// <summary>
/// Forgets bounties whose funding invoice expired unpaid (anyone may post one): once closed for
/// longer than the retention, the bounty leaves the index and its bounty and funding-invoice rows are
/// deleted. Nothing was ever paid for them, so no money record goes. Their archives stay in the blob
/// store: blobs are shared by content, and another bounty may hold the same archive.
/// </summary>
internal sealed class UnfundedBountySweep(IGrainStore store) : IRetentionSweep
{
    /// <inheritdoc/>
    public async Task<int> SweepAsync(IGrainFactory grains, DateTimeOffset before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var index = grains.GetGrain<IBountyIndexGrain>(BountyIndexGrain.AllKey);
        var deleted = 0;
        foreach (var id in await index.ListAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var state = await grains.GetGrain<IBountyGrain>(id).GetAsync();
            if (state is not { Status: BountyStatus.Closed, ClosedReason: BountyCloseReason.FundingExpired, ClosedAt: { } closedAt } || closedAt >= before) continue;
            // Out of the listing first: a crash after this line leaves rows the next run no longer sees,
            // which is harmless (unfunded), never a listed bounty without its row.
            await index.RemoveAsync(id);
            if (await store.DeleteStateAsync(new GrainStateId("bounty", id, "bounty"), cancellationToken)) deleted++;
            if (state.Posted is { } posted && await store.DeleteStateAsync(new GrainStateId("invoice", posted.FundingPaymentHash.ToHex(), "invoice"), cancellationToken)) deleted++;
        }
        return deleted;
    }
}
