using L402Train.Lightning.Simnet;

namespace L402Train.Lightning.Facade;

/// <summary>The development faucet of the simnet facade (<c>POST /simnet/nodes</c>): how much it grants, and who hears of it.</summary>
public sealed record SimnetFaucetOptions
{
    /// <summary>The default cap: 10,000,000 sat (0.1 BTC) per node, plenty for any trial of the tracks.</summary>
    public const long DefaultMaxPerNodeSat = 10_000_000;

    /// <summary>The most <c>balance_sat</c> one node may be granted.</summary>
    public Sats MaxPerNode { get; init; } = new(DefaultMaxPerNodeSat);

    /// <summary>
    /// Called after each grant is durable, before the answer: the coordinator's side of the new channel
    /// is capital that came in, which its books must record (grants stay listed in
    /// <see cref="SimnetNetwork.FaucetGrants"/>, so a record lost to a crash can be made again).
    /// </summary>
    public Func<SimnetFaucetGrant, CancellationToken, Task>? OnGranted { get; init; }
}
