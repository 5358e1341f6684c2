using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>The ledger against the node, line by line of the balance equation.</summary>
/// <param name="OpeningSat">The node's spendable balance when the ledger opened.</param>
/// <param name="InSat">Everything the ledger says came in.</param>
/// <param name="OutSat">Everything the ledger says went out (fees included).</param>
/// <param name="ExpectedSat">Opening + in − out.</param>
/// <param name="ActualSat">What the node holds: spendable plus what is locked in its own outgoing HTLCs.</param>
/// <param name="Entries">Ledger entries.</param>
/// <param name="InTransitSat">
/// Standard L402 fees (checkpoint, bounty access) the node shows paid that the ledger does not hold
/// yet: each is recorded when its token is used or, at the latest, by the next fee sweep.
/// </param>
/// <param name="InTransitFees">How many fees make up <paramref name="InTransitSat"/>.</param>
public sealed record LedgerReconciliation(long OpeningSat, long InSat, long OutSat, long ExpectedSat, long ActualSat, int Entries,
    long InTransitSat = 0, int InTransitFees = 0)
{
    // A payment or ledger post landing between the reads shows in one and not the other: read again.
    private const int MaxReads = 3;

    /// <summary>Expected plus in transit minus actual: what nothing explains; 0 when the ledger and the node agree.</summary>
    public long DifferenceSat => ExpectedSat + InTransitSat - ActualSat;

    /// <summary>True when they agree to the sat once fees in transit are counted.</summary>
    public bool Reconciled => DifferenceSat == 0;

    /// <summary>Reads the ledger (with the fee sweep's cursor), the node's fee invoices above the cursor and its balance, and compares them.</summary>
    public static async Task<LedgerReconciliation> CheckAsync(IGrainFactory grains, ILightningNode node, StandardFeeInvoices fees, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(fees);
        var ledgerGrain = grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey);
        for (var read = 1; ; read++)
        {
            // The ledger and its cursor in one read, then the node: the sweep posts a fee before it moves
            // the cursor past it, so every fee paid is either in this ledger read or above its cursor.
            var ledger = await ledgerGrain.GetAsync();
            var before = Holdings(await node.GetBalanceAsync(cancellationToken));
            var transit = await FeesInTransit.FindAsync(ledger, node, fees, cancellationToken);
            var after = Holdings(await node.GetBalanceAsync(cancellationToken));
            var ledgerAfter = await ledgerGrain.GetAsync();
            var still = before == after && ledgerAfter.Entries.Count == ledger.Entries.Count;
            if (still || read == MaxReads)
            {
                return new LedgerReconciliation(ledger.OpeningBalanceSat.Value, ledger.TotalInSat, ledger.TotalOutSat, ledger.ExpectedBalanceSat,
                    after, ledger.Entries.Count, transit.Sat, transit.Count);
            }
        }
    }

    // Whole sats: every amount the coordinator handles is a whole number of sats.
    private static long Holdings(ChannelBalance balance) => (balance.Local + balance.PendingOutgoing).ToSatsFloor().Value;
}
