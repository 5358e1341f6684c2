namespace L402Train.Lightning.Simnet;

/// <summary>How the embedded simnet behaves and where it keeps its state.</summary>
public sealed record SimnetOptions
{
    /// <summary>
    /// Where the network's records live (the silo passes a SQLite file, <c>SqliteSimnetStore</c> in runtime);
    /// null keeps everything in memory (tests, benchmarks). The network disposes it with itself.
    /// </summary>
    public ISimnetStore? Store { get; init; }

    /// <summary>Block height at the network's creation; later heights follow the clock.</summary>
    public long GenesisHeight { get; init; } = 100;

    /// <summary>One block per this interval of the injected clock (Bitcoin's ten minutes).</summary>
    public TimeSpan BlockInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Blocks before a held HTLC expires at which the payee cancels the hold invoice (LND: 18).</summary>
    public int HoldExpiryDelta { get; init; } = 18;

    /// <summary>CLTV delta each forwarding node adds.</summary>
    public int ForwardingCltvDelta { get; init; } = 40;

    /// <summary>Routing fee every forwarding node charges: base part, in msat.</summary>
    public long FeeBaseMsat { get; init; }

    /// <summary>Routing fee every forwarding node charges: proportional part, in millionths.</summary>
    public long FeeProportionalMillionths { get; init; }

    /// <summary>Most pending HTLCs a channel carries in one direction (BOLT 2's 483).</summary>
    public int MaxPendingHtlcsPerDirection { get; init; } = 483;

    /// <summary>The secp256k1 engine; null uses <see cref="Secp256k1.Secp256k1Engine.Default"/>.</summary>
    public Secp256k1.Secp256k1Engine? Engine { get; init; }

    /// <summary>The BOLT11 currency prefix of simnet invoices ("bcrt": lnbcrt…).</summary>
    public string Currency { get; init; } = "bcrt";
}
