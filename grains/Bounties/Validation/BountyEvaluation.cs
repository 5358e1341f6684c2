using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;

namespace L402Train.Grains.Bounties.Validation;

/// <summary>
/// Evaluates against a bounty's current best in the sandbox: builds the plan (current best tree,
/// its <c>public/</c> set, the held-out set), scores the current best when it has no scores yet,
/// and writes merged trees.
/// </summary>
internal sealed class BountyEvaluation(BubblewrapSandbox sandbox, BountyWorkspace workspace)
{
    /// <summary>The workspace archives are unpacked in.</summary>
    public BountyWorkspace Workspace => workspace;

    /// <summary>The plan for evaluating against <paramref name="bounty"/>'s current best.</summary>
    public async Task<EvaluationPlan> PlanAsync(BountyState bounty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        var posted = bounty.Posted ?? throw new ArgumentException("the bounty does not exist", nameof(bounty));
        var best = await workspace.UnpackAsync(bounty.BestBlob!, cancellationToken);
        var heldOut = await workspace.UnpackAsync(posted.HeldOutBlob, cancellationToken);
        var terms = posted.Terms;
        return new EvaluationPlan(best, Path.Combine(best, ShippedBounty.PublicDirectory), heldOut, terms.EvalCommand,
            terms.Policy(L402Train.Bounties.Diffs.EvalFiles.Find(terms.EvalCommand, best)), terms.Limits(), terms.Repeats, terms.Range())
        {
            Seeds = bounty.EvalSeeds,
        };
    }

    /// <summary>
    /// Scores the archived tree <paramref name="treeBlob"/> on the held-out set <paramref name="setBlob"/> only
    /// (<see cref="BountyTerms.Repeats"/> runs under <paramref name="seeds"/>): the holdback's re-evaluation.
    /// </summary>
    public async Task<SubmissionEvaluation> ScoreTreeAsync(BountyTerms terms, string treeBlob, string setBlob, IReadOnlyList<int> seeds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var tree = await workspace.UnpackAsync(treeBlob, cancellationToken);
        var set = await workspace.UnpackAsync(setBlob, cancellationToken);
        var plan = new EvaluationPlan(tree, Path.Combine(tree, ShippedBounty.PublicDirectory), set, terms.EvalCommand,
            terms.Policy(), terms.Limits(), terms.Repeats, terms.Range()) { Seeds = seeds, HeldOutOnly = true };
        return await EvaluateAsync(plan, "", cancellationToken);
    }

    /// <summary>Evaluates a diff (empty: the current best itself) under <paramref name="plan"/>.</summary>
    public Task<SubmissionEvaluation> EvaluateAsync(EvaluationPlan plan, string diff, CancellationToken cancellationToken) =>
        new SubmissionEvaluator(sandbox, workspace.Root).EvaluateAsync(plan, diff, cancellationToken);

    /// <summary>
    /// Scores the current best when it has no scores (the baseline, first time) and records them;
    /// returns the bounty as it stands after. A best that cannot be scored is the sponsor's
    /// problem, not a submitter's: it throws, and the job retries.
    /// </summary>
    public async Task<BountyState> EnsureBestScoredAsync(IBountyGrain grain, BountyState bounty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grain);
        ArgumentNullException.ThrowIfNull(bounty);
        if (bounty.BestHeldOutScores is not null) return bounty;
        var plan = await PlanAsync(bounty, cancellationToken);
        // The baseline's runs are the noise reruns: one per seed, so σ is measured and every repeat of a submission
        // has a baseline run of the same seed to be compared with.
        if (bounty.Version == 0 && bounty.Posted!.Terms.NoiseReruns > 0) plan = plan with { Repeats = bounty.Posted.Terms.BaselineRuns };
        var result = await EvaluateAsync(plan, "", cancellationToken);
        if (!result.Complete)
        {
            var failed = result.PublicRuns.Concat(result.HeldOutRuns).FirstOrDefault(r => !r.Succeeded);
            throw new InvalidOperationException(
                $"The current best (version {bounty.Version}) of the bounty does not score: {failed?.ScoreError ?? "no run"} (exit {failed?.ExitCode}).");
        }
        return await grain.RecordBestScoresAsync(bounty.Version, result.PublicScores, result.HeldOutScores);
    }

    /// <summary>Applies <paramref name="diff"/> to a fresh copy of <paramref name="plan"/>'s current best and stores the archive of the result.</summary>
    public async Task<string> MergedTreeAsync(EvaluationPlan plan, string diff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var copy = WorkingCopy.FromBaseline(plan.CurrentBest, workspace.Root);
        if (plan.Policy.CheckAndApply(diff, copy.Path) is { } rejection)
            throw new InvalidOperationException($"a diff that applied for evaluation no longer applies: {rejection}");
        return await workspace.PackAsync(copy.Path, cancellationToken);
    }
}
