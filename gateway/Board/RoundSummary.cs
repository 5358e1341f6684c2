using L402Train.Grains.Training;

namespace L402Train.Gateway.Board;

/// <summary>What the overview shows of one round: small enough to keep for every finished round.</summary>
/// <param name="Number">The round.</param>
/// <param name="Status">Open, closing or aggregated.</param>
/// <param name="OpenedAt">When it opened.</param>
/// <param name="AggregatedAt">When its outer step was applied.</param>
/// <param name="LossBefore">Mean held-out loss before the outer step.</param>
/// <param name="LossAfter">Mean held-out loss after it.</param>
/// <param name="Submissions">Submissions received.</param>
/// <param name="Decided">Submissions with a verdict.</param>
/// <param name="Accepted">Submissions accepted.</param>
/// <param name="RewardsSat">Rewards granted.</param>
internal sealed record RoundSummary(
    int Number, RoundStatus Status, DateTimeOffset OpenedAt, DateTimeOffset? AggregatedAt, double? LossBefore, double? LossAfter,
    int Submissions, int Decided, int Accepted, long RewardsSat)
{
    /// <summary>The summary of a round's state.</summary>
    public static RoundSummary From(RoundState round) => new(
        round.Number, round.Status, round.OpenedAt, round.AggregatedAt, round.LossBefore, round.LossAfter,
        round.Submissions.Count, round.Submissions.Count(s => s.Reason is not null),
        round.Submissions.Count(s => s.Reason == VerdictReason.Accepted), round.RewardsGrantedSat.Value);
}
