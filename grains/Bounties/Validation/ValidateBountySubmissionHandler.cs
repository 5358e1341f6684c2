using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Sandbox;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Runtime;
using L402Train.Lightning;

namespace L402Train.Grains.Bounties.Validation;

/// <summary>
/// The validator-role job <c>bounty.validate</c>: deposit still locked, bounty open, base version
/// current, not a copy of an earlier claim, then the diff rules, the sandboxed public and held-out
/// runs, and <see cref="AcceptancePolicy"/>. The submission grain records the verdict (an
/// acceptance goes through the bounty's merge). Re-running after a crash is safe: a decided
/// submission is left alone and a merged one is re-recorded from the bounty's leaderboard.
/// </summary>
internal sealed class ValidateBountySubmissionHandler(BountyEvaluation evaluation, IBlobStore blobs, ILightningNode node, BountyRules rules) : IJobHandler, IDeadLetterHandler
{
    private const int StdoutTailChars = 2048;

    /// <inheritdoc/>
    public Task OnDeadLetterAsync(JobContext job, string lastError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return BountyValidatorError.DecideAsync(job.Grains, job.Payload<BountySubmissionJob>().SubmissionId);
    }

    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var id = job.Payload<BountySubmissionJob>().SubmissionId;
        var grain = job.Grains.GetGrain<IBountySubmissionGrain>(id);
        var state = await grain.GetAsync();
        if (state.Verdict is not null || state.Received is not { } arrival) return;
        await grain.DecideAsync(await DecideAsync(job, id, state, arrival, cancellationToken));
    }

    private async Task<BountyVerdict> DecideAsync(JobContext job, string id, BountySubmissionState state, NewBountySubmission arrival, CancellationToken cancellationToken)
    {
        var bountyGrain = job.Grains.GetGrain<IBountyGrain>(arrival.BountyId);
        var bounty = await bountyGrain.GetAsync();
        if (bounty.Leaderboard.FirstOrDefault(e => e.SubmissionId == id) is { } merged)
        {
            // Merged before a crash took the verdict with it: record the merge that stands.
            return new BountyVerdict(BountyVerdictReason.Accepted, $"held-out {merged.HeldOutScore} (improvement {merged.Improvement})",
                PublicScores: [merged.PublicScore], HeldOutScores: [merged.HeldOutScore], Improvement: merged.Improvement, TreeBlob: merged.TreeBlob);
        }

        var deposit = await node.LookupInvoiceAsync(arrival.PaymentHash, cancellationToken);
        if (deposit is null || deposit.State == InvoiceState.Canceled)
            return BountyVerdict.Rejected(BountyVerdictReason.DepositExpired, "the deposit's hold invoice was cancelled before validation finished; it has been refunded");
        if (bounty.Status != BountyStatus.Active)
            return BountyVerdict.Rejected(BountyVerdictReason.Closed, "the bounty closed before this submission was validated; the deposit is refunded");
        if (arrival.BaseVersion != state.VersionAtArrival)
            return BountyVerdict.Rejected(BountyVerdictReason.Stale,
                $"made against version {arrival.BaseVersion}, but the current best was version {state.VersionAtArrival} when it arrived: download it, rebase and submit again");
        if (arrival.BaseVersion != bounty.Version)
            return BountyVerdict.Rejected(BountyVerdictReason.Superseded,
                $"made against the then-current version {arrival.BaseVersion}, but another submission merged as version {bounty.Version} first; the deposit is refunded: rebase and submit again");
        if (arrival.DiffHash is { } diffHash && bounty.CreditedClaimOf(diffHash) is { } credited && credited != id
            && !await IsSameAgentAsync(job.Grains, credited, arrival.Agent))
            return new BountyVerdict(BountyVerdictReason.Copied,
                "an identical diff was claimed earlier (an earlier commitment, or an earlier arrival without one); it is credited to that submission",
                CreditedTo: credited);

        var diff = await ReadDiffAsync(arrival, cancellationToken);
        // The evaluator reads an empty diff as "score the current best"; as a submission it is malformed.
        if (string.IsNullOrWhiteSpace(diff))
            return new BountyVerdict(BountyVerdictReason.DiffRejected, "the diff is empty", DiffRejection: L402Train.Bounties.Diffs.DiffRejectionReason.Malformed);
        bounty = await evaluation.EnsureBestScoredAsync(bountyGrain, bounty, cancellationToken);
        var terms = bounty.Posted!.Terms;
        var plan = await evaluation.PlanAsync(bounty, cancellationToken);
        var result = await evaluation.EvaluateAsync(plan, diff, cancellationToken);
        if (result.Rejection is { } rejection)
            return new BountyVerdict(BountyVerdictReason.DiffRejected, rejection.Message, DiffRejection: rejection.Reason);
        var tail = Tail(result.PublicRuns.FirstOrDefault()?.Stdout);
        if (!result.Complete)
            return new BountyVerdict(BountyVerdictReason.EvalFailed, FailureDetail(result), PublicScores: result.PublicScores, PublicStdoutTail: tail)
            {
                HeldOutFailure = result.HeldOutRuns.FirstOrDefault(r => !r.Succeeded) is { } heldOut
                    ? $"exit {heldOut.ExitCode}{Limit(heldOut)}, {heldOut.WallTime.TotalSeconds:0.###} s: {heldOut.ScoreError ?? "no score"}; stderr: {Tail(heldOut.Stderr, 400)}"
                    : null,
            };

        // Run i of the candidate had seed i, as run i of the current best did: compare with the best's first runs only
        // (the baseline has one per noise rerun), so a change that does nothing scores exactly as the best.
        var comparison = new ScoreComparison(
            [.. (bounty.BestPublicScores ?? []).Take(terms.Repeats)], [.. bounty.BestHeldOutScores!.Take(terms.Repeats)], result.PublicScores, result.HeldOutScores)
        {
            PublicCanaries = CanaryTotals(result.PublicRuns),
            HeldOutCanaries = CanaryTotals(result.HeldOutRuns),
        };
        var decision = AcceptancePolicy.Judge(comparison, terms.Direction, LeaderThreshold.At(bounty, rules, job.Time.GetUtcNow()), rules.SuspiciousGap, rules.SignificanceLevel);
        var tree = decision.Reason == BountyVerdictReason.Accepted ? await evaluation.MergedTreeAsync(plan, diff, cancellationToken) : null;
        return new BountyVerdict(decision.Reason, decision.Detail, PublicScores: result.PublicScores, HeldOutScores: result.HeldOutScores,
            Improvement: decision.Improvement, TreeBlob: tree, PublicStdoutTail: tail);
    }

    private static CanaryCount? CanaryTotals(IReadOnlyList<SandboxResult> runs) =>
        runs.Select(r => r.Canaries).OfType<CanaryCount>().ToList() is { Count: > 0 } counts
            ? new CanaryCount(counts.Sum(c => c.Correct), counts.Sum(c => c.Total))
            : null;

    // A diff credited to the agent's own earlier submission is a resubmission (e.g. after a lost
    // connection), not a copy: copies are judged against other agents only. Agents are told apart by
    // the name they submit under, as commitments and the leaderboard do; the default name is no one's.
    private static async Task<bool> IsSameAgentAsync(IGrainFactory grains, string creditedId, string agent)
    {
        if (agent is "" or "anonymous") return false; // the gateway's name for an agent that gave none
        var credited = await grains.GetGrain<IBountySubmissionGrain>(creditedId).GetAsync();
        return string.Equals(credited.Received?.Agent, agent, StringComparison.Ordinal);
    }

    private async Task<string> ReadDiffAsync(NewBountySubmission arrival, CancellationToken cancellationToken)
    {
        if (!ContentHash.TryParse(arrival.DiffBlob, out var hash)) throw new InvalidDataException($"Submission {arrival.PaymentHash} has no diff blob.");
        await using var stream = await blobs.OpenReadAsync(hash, cancellationToken);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    // The public run is the agent's own code on the public set: its error and a capped stderr tail are
    // shown. Of a held-out failure the agent learns only that it happened (the sponsor sees HeldOutFailure).
    private static string FailureDetail(SubmissionEvaluation result)
    {
        if (result.PublicRuns.FirstOrDefault(r => !r.Succeeded) is { } run)
            return $"the public eval failed (exit {run.ExitCode}{Limit(run)}): {run.ScoreError ?? "no score"}; stderr: {Tail(run.Stderr, 400)}";
        return "the eval passed on the public set but failed on the held-out set; its output, exit code and timing are not shown while the bounty is open";
    }

    private static string Limit(SandboxResult run) => run.LimitHit == SandboxLimit.None ? "" : $", limit hit: {run.LimitHit}";

    private static string? Tail(string? text, int chars = StdoutTailChars) =>
        text is null ? null : text.Length <= chars ? text : text[^chars..];
}
