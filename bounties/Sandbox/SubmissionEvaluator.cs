using L402Train.Bounties.Diffs;

namespace L402Train.Bounties.Sandbox;

/// <summary>How a bounty's submissions are evaluated.</summary>
/// <param name="CurrentBest">The tree submissions apply to (the baseline plus every accepted diff).</param>
/// <param name="PublicSet">The public evaluation set.</param>
/// <param name="HeldOutSet">The held-out evaluation set.</param>
/// <param name="EvalCommand">The sponsor's eval command.</param>
/// <param name="Policy">Target globs, size limit, forbidden patterns.</param>
/// <param name="Limits">Limits of each run.</param>
/// <param name="Repeats">Runs per set (more than one when the eval is noisy).</param>
/// <param name="Range">Valid scores; a run printing a score outside it fails. Null: any finite score.</param>
public sealed record EvaluationPlan(
    string CurrentBest,
    string PublicSet,
    string HeldOutSet,
    string EvalCommand,
    DiffPolicy Policy,
    SandboxLimits Limits,
    int Repeats = 1,
    ScoreRange? Range = null)
{
    /// <summary>The environment variable a run's seed is passed in (evals that sample may take it; others ignore it).</summary>
    public const string SeedVariable = "L402_EVAL_SEED";

    /// <summary>
    /// Seeds of the runs: run <c>i</c> of each set gets <c>Seeds[i % Count]</c> in <see cref="SeedVariable"/>, so
    /// two trees evaluated under the same seeds see the same samples (a paired comparison). Empty: no seed is passed.
    /// </summary>
    public IReadOnlyList<int> Seeds { get; init; } = [];

    /// <summary>True to run only the held-out set (a re-evaluation of a tree that already passed the public set).</summary>
    public bool HeldOutOnly { get; init; }
}

/// <summary>
/// The outcome of evaluating one submission. <see cref="HeldOutRuns"/> hold the held-out set's
/// output: never show them to anyone while the bounty is open.
/// </summary>
/// <param name="Rejection">Why the diff was refused before any run; null when it applied.</param>
/// <param name="PublicScores">One score per public run that produced one.</param>
/// <param name="HeldOutScores">One score per held-out run that produced one.</param>
/// <param name="PublicRuns">Every public run.</param>
/// <param name="HeldOutRuns">Every held-out run.</param>
public sealed record SubmissionEvaluation(
    DiffRejection? Rejection,
    IReadOnlyList<double> PublicScores,
    IReadOnlyList<double> HeldOutScores,
    IReadOnlyList<SandboxResult> PublicRuns,
    IReadOnlyList<SandboxResult> HeldOutRuns)
{
    /// <summary>True when the diff applied and every run produced a score.</summary>
    public bool Complete => Rejection is null && PublicScores.Count == PublicRuns.Count && HeldOutScores.Count == HeldOutRuns.Count
        && HeldOutRuns.Count > 0;
}

/// <summary>
/// Screens a submission's diff, then runs the eval on the public set and on the held-out set in
/// the sandbox. Every run gets a fresh working copy (the candidate tree, current best + diff, copied into the
/// run's own tmpfs), so nothing one run writes, held-out data included, is seen by another. The held-out set is never run when a
/// public run failed: a broken submission learns nothing from it and costs no held-out run.
/// </summary>
public sealed class SubmissionEvaluator(BubblewrapSandbox sandbox, string scratchRoot)
{
    /// <summary>Evaluates <paramref name="diff"/> against the plan; an empty diff evaluates the current best itself.</summary>
    public async Task<SubmissionEvaluation> EvaluateAsync(EvaluationPlan plan, string diff, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(plan.Repeats);
        UnifiedDiff? parsed = null;
        if (diff.Length > 0)
        {
            var (checkedDiff, rejection) = plan.Policy.Check(diff);
            if (checkedDiff is null) { return new SubmissionEvaluation(rejection, [], [], [], []); }
            parsed = checkedDiff;
        }
        // One candidate tree (current best + diff) serves every run: the sandbox mounts it read-only and each run
        // copies it into its own fresh tmpfs, so no run writes anything another sees. A diff that does not apply is
        // reported here, before any run.
        using var candidate = WorkingCopy.FromBaseline(plan.CurrentBest, scratchRoot);
        if (parsed is not null && DiffApplier.Apply(parsed, candidate.Path) is { } notApplying) { return new SubmissionEvaluation(notApplying, [], [], [], []); }

        var publicRuns = new List<SandboxResult>();
        var heldOutRuns = new List<SandboxResult>();
        for (var i = 0; i < plan.Repeats && !plan.HeldOutOnly; i++)
        {
            publicRuns.Add(await RunAsync(plan, candidate, plan.PublicSet, i, cancellationToken));
            if (!publicRuns[^1].Succeeded) { break; }
        }
        var publicFailed = publicRuns.Any(r => !r.Succeeded);
        for (var i = 0; i < plan.Repeats && !publicFailed; i++)
        {
            heldOutRuns.Add(await RunAsync(plan, candidate, plan.HeldOutSet, i, cancellationToken));
        }
        return new SubmissionEvaluation(null,
            [.. publicRuns.Where(r => r.Score is not null).Select(r => r.Score!.Value)],
            [.. heldOutRuns.Where(r => r.Score is not null).Select(r => r.Score!.Value)],
            publicRuns, heldOutRuns);
    }

    private async Task<SandboxResult> RunAsync(EvaluationPlan plan, WorkingCopy candidate, string dataSet, int run, CancellationToken cancellationToken)
    {
        var environment = plan.Seeds.Count == 0 ? null
            : new Dictionary<string, string> { [EvaluationPlan.SeedVariable] = plan.Seeds[run % plan.Seeds.Count].ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var result = await sandbox.RunAsync(new SandboxRequest(candidate, plan.EvalCommand, dataSet, plan.Limits, environment), cancellationToken);
        result = result.Score is { } score && plan.Range is { } range && !range.Contains(score)
            ? result with { Score = null, ScoreError = range.Refusal(score) }
            : result;
        SandboxMetrics.Evaluated(result);
        return result;
    }
}
