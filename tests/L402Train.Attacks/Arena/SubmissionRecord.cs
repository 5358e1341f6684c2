using L402Train.PeerAgent.Bounties;

namespace L402Train.Attacks.Arena;

/// <summary>One filed submission of an attacker and how it ended.</summary>
/// <param name="Agent">The name it was filed under.</param>
/// <param name="SubmissionId">Its id.</param>
/// <param name="Status"><c>accepted</c> or <c>rejected</c>.</param>
/// <param name="Reason">The verdict's code (e.g. <c>diff_rejected:non_target_file</c>).</param>
/// <param name="Detail">The verdict in words, as agents see it.</param>
/// <param name="RewardSats">The reward granted (0 unless accepted).</param>
/// <param name="Deposit">What the coordinator says of the deposit: <c>refunded</c> or <c>forfeited</c>.</param>
/// <param name="DepositMoney">What the agent's wallet saw: <c>forfeited</c> (the HTLC settled) or <c>refunded</c> (cancelled).</param>
/// <param name="EvalTime">From arrival to verdict.</param>
/// <param name="Filed">The filing, with the deposit's credential.</param>
/// <param name="View">The verdict as the agent read it.</param>
public sealed record SubmissionRecord(
    string Agent, string SubmissionId, string Status, string Reason, string? Detail, long RewardSats, string Deposit, string DepositMoney,
    TimeSpan EvalTime, FiledSubmission Filed, BountySubmissionView View)
{
    /// <summary>True when the validator accepted it.</summary>
    public bool Accepted => Status == "accepted";
}
