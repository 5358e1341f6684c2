using System.Globalization;
using L402Train.Bounties.Improvers;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Runtime;

namespace L402Train.Grains.Bounties.Validation;

/// <summary>
/// The validator-role job <c>bounty.holdback</c>, scheduled at the merge for merge time + the bounty's holdback delay:
/// scores the tree the submission created and the tree it replaced on a fresh held-out slice (the sponsor's holdback
/// slice, else the held-out set under fresh seeds), both under the same seeds. The improvement holds up when the
/// submission's tree still scores better; then the holdback is released (owed, claimable), else it is forfeited to
/// the bounty's pool. The submission grain records the outcome once; a re-run after a crash completes the bounty's
/// side with the recorded outcome, never a second evaluation's.
/// </summary>
internal sealed class HoldbackReevaluationHandler(BountyEvaluation evaluation) : IJobHandler
{
    // Fresh seeds for the re-evaluation, derived from the validation seeds (fixed arithmetic: the same on every validator).
    private const int SeedSalt = 0x5bd1e995;

    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var id = job.Payload<BountySubmissionJob>().SubmissionId;
        var grain = job.Grains.GetGrain<IBountySubmissionGrain>(id);
        var state = await grain.GetAsync();
        if (state.Holdback == HoldbackStatus.None || state.Received is not { } arrival) return;
        if (state.Holdback != HoldbackStatus.Held)
        {
            await grain.ResolveHoldbackAsync(heldUp: false, detail: ""); // completes the bounty's side; the arguments are ignored
            return;
        }

        var bounty = await job.Grains.GetGrain<IBountyGrain>(arrival.BountyId).GetAsync();
        var posted = bounty.Posted!;
        var entry = bounty.Leaderboard.FirstOrDefault(e => e.SubmissionId == id)
            ?? throw new InvalidOperationException($"Submission {id} holds a holdback but is not on the leaderboard of bounty {arrival.BountyId}.");
        var parentBlob = entry.Version == 1 ? posted.BaselineBlob : bounty.Leaderboard.First(e => e.Version == entry.Version - 1).TreeBlob;
        var slice = posted.HoldbackBlob ?? posted.HeldOutBlob;
        IReadOnlyList<int> seeds = bounty.EvalSeeds.Count > 0 ? [.. bounty.EvalSeeds.Select(s => (s ^ SeedSalt) & int.MaxValue)] : [];

        var terms = posted.Terms;
        var mine = await evaluation.ScoreTreeAsync(terms, entry.TreeBlob, slice, seeds, cancellationToken);
        var parent = await evaluation.ScoreTreeAsync(terms, parentBlob, slice, seeds, cancellationToken);
        var (heldUp, detail) = Judge(terms.Direction, entry.Version, mine, parent, posted.HoldbackBlob is not null);
        await grain.ResolveHoldbackAsync(heldUp, detail);
    }

    private static (bool HeldUp, string Detail) Judge(MetricDirection direction, int version, L402Train.Bounties.Sandbox.SubmissionEvaluation mine,
        L402Train.Bounties.Sandbox.SubmissionEvaluation parent, bool freshSlice)
    {
        var where = freshSlice ? "the holdback slice" : "the held-out set under fresh seeds";
        if (!mine.Complete) return (false, $"version {version} no longer scores on {where}: {mine.HeldOutRuns.FirstOrDefault(r => !r.Succeeded)?.ScoreError}");
        // The tree it replaced cannot be scored: nothing to compare with, and the agent's tree did score: it holds.
        if (!parent.Complete) return (true, $"version {version} scores {mine.HeldOutScores.Average():0.#####} on {where}; version {version - 1} no longer scores there");
        var improvement = direction.Improvement(parent.HeldOutScores.Average(), mine.HeldOutScores.Average());
        var numbers = string.Create(CultureInfo.InvariantCulture,
            $"on {where}: version {version} {mine.HeldOutScores.Average():0.#####} vs version {version - 1} {parent.HeldOutScores.Average():0.#####} (improvement {improvement:+0.#####;-0.#####;0})");
        return improvement > 0 ? (true, $"{numbers}: held up, holdback released") : (false, $"{numbers}: did not hold up, holdback forfeited to the pool");
    }
}
