namespace L402Train.Lightning;

/// <summary>
/// The most bitcoin there will ever be: 21 million BTC. No amount this system accepts, stores or
/// adds up may exceed it, so every sum of amounts stays far inside a 64-bit integer.
/// </summary>
public static class BitcoinSupply
{
    /// <summary>21,000,000 BTC in satoshis (2.1e15).</summary>
    public static Sats MaxSats { get; } = new(2_100_000_000_000_000);

    /// <summary>21,000,000 BTC in millisatoshis (2.1e18).</summary>
    public static MilliSats MaxMilliSats { get; } = new(2_100_000_000_000_000_000);

    /// <summary>True when <paramref name="sat"/> is a possible amount in satoshis: 0 to 21M BTC.</summary>
    public static bool IsValidSats(long sat) => sat >= 0 && sat <= MaxSats.Value;

    /// <summary>True when <paramref name="msat"/> is a possible amount in millisatoshis: 0 to 21M BTC.</summary>
    public static bool IsValidMilliSats(long msat) => msat >= 0 && msat <= MaxMilliSats.Value;
}
