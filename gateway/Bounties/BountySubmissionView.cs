using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Training;

namespace L402Train.Gateway.Bounties;

/// <summary>A bounty submission as <c>GET /bounty/{id}/submissions/{sid}</c> shows it (held-out score only after the verdict).</summary>
public sealed record BountySubmissionView(
    string SubmissionId, string BountyId, string Agent, int BaseVersion, string Status, string? Reason, string? Detail,
    double? PublicScore, double? HeldoutScore, double? Improvement, int? NewVersion, long RewardSat, long FeeSat,
    string Deposit, bool DepositFinal, string Reward, string? CreditedTo, string? ClaimFailure, int ArrivalSequence, int? CommitSequence,
    DateTimeOffset ReceivedAt, DateTimeOffset? DecidedAt)
{
    /// <summary>The diff (sponsor view only).</summary>
    public string? Diff { get; init; }

    /// <summary>The end of the first public run's stdout (sponsor view only).</summary>
    public string? PublicStdoutTail { get; init; }

    /// <summary>The public view of a submission.</summary>
    public static BountySubmissionView From(string id, BountySubmissionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var arrival = state.Received!;
        var verdict = state.Verdict;
        var status = verdict is null ? "validating" : verdict.Reason == BountyVerdictReason.Accepted ? "accepted" : "rejected";
        return new(id, arrival.BountyId, arrival.Agent, arrival.BaseVersion, status, verdict?.Code, verdict?.Detail,
            verdict?.PublicScore, verdict?.HeldOutScore, verdict?.Improvement, state.NewVersion, state.RewardSat, state.FeeSat,
            state.Deposit switch
            {
                DepositStatus.Held => "held",
                DepositStatus.Refunding or DepositStatus.Refunded => "refunded",
                _ => "forfeited",
            },
            state.DepositResolvedAt is not null,
            System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(state.Reward.ToString()),
            verdict?.CreditedTo, state.ClaimFailure, state.ArrivalSequence, state.CommitSequence, state.ReceivedAt, state.DecidedAt);
    }
}
