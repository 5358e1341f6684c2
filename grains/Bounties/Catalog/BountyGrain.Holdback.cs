namespace L402Train.Grains.Bounties.Catalog;

/// <summary>The pool's side of the temporal holdback: released holdbacks become owed, forfeited ones return to the pool.</summary>
internal sealed partial class BountyGrain
{
    /// <inheritdoc/>
    public async Task HoldbackResolvedAsync(string submissionId, bool released)
    {
        var entry = State.Leaderboard.FirstOrDefault(e => e.SubmissionId == submissionId)
            ?? throw new InvalidOperationException($"Submission {submissionId} was not merged into bounty {GetPrimaryKeyString()}.");
        if (entry.Holdback != HoldbackStatus.Held) return;
        bounty.State = State with
        {
            Pool = released ? State.Pool.ReleaseHoldback(entry.HoldbackSat) : State.Pool.ForfeitHoldback(entry.HoldbackSat),
            Leaderboard = Replace(entry with { Holdback = released ? HoldbackStatus.Released : HoldbackStatus.Forfeited }),
        };
        await bounty.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task HoldbackPaidAsync(string submissionId)
    {
        var entry = State.Leaderboard.FirstOrDefault(e => e.SubmissionId == submissionId)
            ?? throw new InvalidOperationException($"Submission {submissionId} was not merged into bounty {GetPrimaryKeyString()}.");
        // Held: the submission released it and its claim was paid before a crash let the release reach this grain; release it here.
        if (entry.Holdback is not (HoldbackStatus.Held or HoldbackStatus.Released)) return;
        var pool = entry.Holdback == HoldbackStatus.Held ? State.Pool.ReleaseHoldback(entry.HoldbackSat) : State.Pool;
        bounty.State = State with { Pool = pool.Paid(entry.HoldbackSat), Leaderboard = Replace(entry with { Holdback = HoldbackStatus.Paid }) };
        await bounty.WriteStateAsync();
    }

    private IReadOnlyList<LeaderboardEntry> Replace(LeaderboardEntry entry) =>
        [.. State.Leaderboard.Select(e => e.SubmissionId == entry.SubmissionId ? entry : e)];
}
