using L402Train.Grains.Runtime;
using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>The ledger against the node, line by line of the balance equation.</summary>
/// <param name="OpeningSat">The node's spendable balance when the ledger opened.</param>
/// <param name="InSat">Everything the ledger says came in.</param>
/// <param name="OutSat">Everything the ledger says went out (fees included).</param>
/// <param name="ExpectedSat">Opening + in − out.</param>
/// <param name="ActualSat">What the node holds: spendable plus what is locked in its own outgoing HTLCs.</param>
/// <param name="Entries">Ledger entries.</param>
public sealed record LedgerReconciliation(long OpeningSat, long InSat, long OutSat, long ExpectedSat, long ActualSat, int Entries)
{
    /// <summary>Expected minus actual; 0 when the ledger and the node agree.</summary>
    public long DifferenceSat => ExpectedSat - ActualSat;

    /// <summary>True when they agree to the sat.</summary>
    public bool Reconciled => DifferenceSat == 0;

    /// <summary>Reads the coordinator's ledger and node balance and compares them.</summary>
    public static async Task<LedgerReconciliation> CheckAsync(IGrainFactory grains, ILightningNode node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(node);
        var ledger = await grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        var balance = await node.GetBalanceAsync(cancellationToken);
        // Whole sats: every amount the coordinator handles is a whole number of sats.
        var actual = (balance.Local + balance.PendingOutgoing).ToSatsFloor().Value;
        return new LedgerReconciliation(ledger.OpeningBalanceSat, ledger.TotalInSat, ledger.TotalOutSat, ledger.ExpectedBalanceSat, actual, ledger.Entries.Count);
    }
}
