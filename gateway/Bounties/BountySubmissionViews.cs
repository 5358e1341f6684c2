using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Training;
using L402Train.Protocol;
using L402Train.Protocol.Bounties;

namespace L402Train.Gateway.Bounties;

/// <summary>
/// A bounty submission as <c>GET /bounty/{id}/submissions/{sid}</c> shows it (held-out score only after
/// the verdict): <see cref="ForAgents"/> to everyone, <see cref="ForSponsorAsync"/> with the sponsor's credential.
/// </summary>
internal static class BountySubmissionViews
{
    /// <summary>
    /// The view of everyone but the sponsor: held-out figures coarsened (<see cref="HeldOutDisclosure"/>)
    /// while the bounty is open.
    /// </summary>
    public static BountySubmissionView ForAgents(string id, BountySubmissionState state, BountyState bounty)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(bounty);
        var full = From(id, state);
        return full with
        {
            Detail = HeldOutDisclosure.Detail(state.Verdict, bounty),
            HeldoutScore = HeldOutDisclosure.Score(full.HeldoutScore, bounty),
            Improvement = HeldOutDisclosure.Improvement(full.Improvement, bounty),
        };
    }

    /// <summary>The sponsor's view of a submission: exact figures, the diff, public output and any held-out failure.</summary>
    public static async Task<BountySubmissionView> ForSponsorAsync(string id, BountySubmissionState state, Func<string?, Task<string?>> readDiff)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(readDiff);
        return From(id, state) with
        {
            Diff = await readDiff(state.Received?.DiffBlob),
            PublicStdoutTail = state.Verdict?.PublicStdoutTail,
            HeldoutFailure = state.Verdict?.HeldOutFailure,
        };
    }

    /// <summary>Every figure of a submission, exact (the sponsor's, or anyone's once the held-out set is revealed).</summary>
    public static BountySubmissionView From(string id, BountySubmissionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var arrival = state.Received!;
        var verdict = state.Verdict;
        var status = verdict is null ? "validating" : verdict.Reason == BountyVerdictReason.Accepted ? "accepted" : "rejected";
        return new(id, arrival.BountyId, arrival.Agent, arrival.BaseVersion, status, verdict?.Code, verdict?.Detail,
            verdict?.PublicScore, verdict?.HeldOutScore, verdict?.Improvement, state.NewVersion, state.RewardSat.Value, state.FeeSat.Value,
            state.Deposit switch
            {
                DepositStatus.Held => "held",
                DepositStatus.Refunding or DepositStatus.Refunded => "refunded",
                _ => "forfeited",
            },
            state.DepositResolvedAt is not null,
            ProtocolJson.Name(state.Reward),
            verdict?.CreditedTo, state.ClaimFailure ?? state.HoldbackClaimFailure, state.ArrivalSequence, state.CommitSequence, state.ReceivedAt, state.DecidedAt)
        {
            HoldbackSats = state.HoldbackSat.Value,
            Holdback = ProtocolJson.Name(state.Holdback),
            HoldbackDueAt = state.HoldbackDueAt,
        };
    }
}
