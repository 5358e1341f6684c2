using L402Train.Grains.Payments;
using L402Train.Lightning.Simnet;
using L402Train.Lightning;

namespace L402Train.Silo.Hosting;

/// <summary>
/// Books the simnet faucet's grants in the coordinator's ledger: the coordinator's side of each
/// granted channel is capital that came in without an invoice, one <see cref="InvoicePurpose.SimnetFaucet"/>
/// entry per grant keyed by its channel. The grants are durable in the simnet, and the ledger keeps one
/// entry per key, so recording them all again (after each grant and at every start) books each once,
/// even when the silo died between the grant and its entry.
/// </summary>
internal sealed class SimnetFaucetLedger(SimnetNetwork network, IGrainFactory grains)
{
    /// <summary>The ledger key of a grant.</summary>
    public static string KeyOf(SimnetFaucetGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return FormattableString.Invariant($"simnet-faucet:{grant.ChannelId}");
    }

    /// <summary>
    /// Posts an entry for every grant not in the ledger yet. <paramref name="inOpening"/>: the ledger has
    /// just opened with the node's balance, which already holds every grant made so far, so those are
    /// booked at 0 sat (known, not counted twice).
    /// </summary>
    public async Task RecordAsync(bool inOpening, CancellationToken cancellationToken)
    {
        var ledger = grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey);
        var booked = (await ledger.GetAsync()).Entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var grant in network.FaucetGrants)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (booked.Contains(KeyOf(grant))) continue;
            await ledger.PostAsync(new LedgerEntry(KeyOf(grant), InvoicePurpose.SimnetFaucet, inOpening ? Sats.Zero : grant.Amount, Sats.Zero, grant.Node, grant.At));
        }
    }
}
