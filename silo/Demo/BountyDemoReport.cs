namespace L402Train.Silo.Demo;

/// <summary>What one demo agent did on the bounty.</summary>
/// <param name="Agent">Its name.</param>
/// <param name="Role">honest, gaming, diff-attacker or front-runner.</param>
/// <param name="Status">accepted, rejected, or skipped (nothing submitted).</param>
/// <param name="Reason">The verdict's reason code, or why nothing was submitted.</param>
/// <param name="PublicScore">The validator's public score (the agent's own when nothing was submitted).</param>
/// <param name="HeldoutScore">The validator's held-out score.</param>
/// <param name="RewardSat">Reward received after the coordinator's fee.</param>
/// <param name="Deposit">refunded, forfeited, held or none.</param>
/// <param name="DepositSat">The deposit.</param>
/// <param name="CreditedTo">For a copy: the earlier submission it was credited to.</param>
internal sealed record DemoBountyAgent(
    string Agent, string Role, string Status, string? Reason, double? PublicScore, double? HeldoutScore, long RewardSat, string Deposit, long DepositSat, string? CreditedTo);

/// <summary>One bounty of the demo, as <c>--report</c> writes it under <c>bounties[]</c>.</summary>
/// <param name="Id">The bounty id.</param>
/// <param name="Accepted">Accepted submissions.</param>
/// <param name="Rejected">Rejected submissions by reason code.</param>
/// <param name="PaidSat">Rewards paid out of the pool to agents.</param>
/// <param name="FeeSat">The coordinator's fees kept from rewards.</param>
/// <param name="RemainingSat">What is left in the pool.</param>
/// <param name="BestScore">The held-out score of the current best.</param>
/// <param name="BaselineScore">The held-out score of the sponsor's baseline.</param>
/// <param name="Version">The current best's version.</param>
/// <param name="Agents">Each agent's outcome.</param>
/// <param name="LedgerReconciled">True when the coordinator's ledger matches its node's balance.</param>
/// <param name="Seconds">Wall time of the bounty track.</param>
internal sealed record DemoBounty(
    string Id, int Accepted, IReadOnlyDictionary<string, int> Rejected, long PaidSat, long FeeSat, long RemainingSat, double? BestScore, double? BaselineScore,
    int Version, IReadOnlyList<DemoBountyAgent> Agents, bool LedgerReconciled, double Seconds)
{
    /// <summary>Holdbacks of paid rewards still waiting for (or owed after) their re-evaluation on a fresh held-out slice.</summary>
    public long HeldSat { get; init; }
}
