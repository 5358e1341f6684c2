using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;

namespace L402Train.Grains.Bounties.Validation;

/// <summary>What the baseline eval said about a bounty about to be posted.</summary>
/// <param name="Problem">Why the bounty cannot be evaluated (the failed run, its error and output); null when both sets scored.</param>
/// <param name="Warnings">Things the sponsor should know (eval files that diffs may change).</param>
public sealed record BaselineCheckResult(string? Problem, IReadOnlyList<string> Warnings)
{
    /// <summary>True when the check did not run because <see cref="BountyBaselineCheck.MaxConcurrentChecks"/> others were running.</summary>
    public bool Busy { get; init; }
}

/// <summary>
/// Runs a bounty's eval on its baseline, on the public and the held-out set, in the sandbox before
/// the bounty is posted: a bounty whose eval cannot run (a missing interpreter, a broken script, a
/// score outside its range) is refused instead of funded, and every submission to it would
/// otherwise fail. The sponsor posted both sets, so the answer may show both runs' output.
/// Anyone may post a bounty before paying anything, so at most <see cref="MaxConcurrentChecks"/>
/// checks run at once; another is answered busy at once rather than queued.
/// </summary>
public sealed class BountyBaselineCheck(BubblewrapSandbox sandbox, BountyWorkspace workspace)
{
    /// <summary>Checks that may run at once.</summary>
    public const int MaxConcurrentChecks = 2;

    private const int OutputChars = 1000;

    private readonly SemaphoreSlim slots = new(MaxConcurrentChecks, MaxConcurrentChecks);

    /// <summary>Unpacks the archives into a private scratch folder, evaluates the baseline once per set, and removes the folder.</summary>
    public async Task<BaselineCheckResult> CheckAsync(BountyTerms terms, byte[] baselineArchive, byte[] heldOutArchive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(baselineArchive);
        ArgumentNullException.ThrowIfNull(heldOutArchive);
        // Taken synchronously, before the first await: a caller that starts a check holds its slot on return.
        if (!slots.Wait(0)) return new BaselineCheckResult(null, []) { Busy = true };
        var root = Path.Combine(workspace.Root, "create-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(root);
            var baseline = Path.Combine(root, "baseline");
            var heldOut = Path.Combine(root, "heldout");
            using (var stream = new MemoryStream(baselineArchive, writable: false)) BountyArchive.Extract(stream, baseline);
            using (var stream = new MemoryStream(heldOutArchive, writable: false)) BountyArchive.Extract(stream, heldOut);
            var evalFiles = EvalFiles.Find(terms.EvalCommand, baseline);
            var plan = new EvaluationPlan(baseline, Path.Combine(baseline, ShippedBounty.PublicDirectory), heldOut, terms.EvalCommand,
                terms.Policy(evalFiles), terms.Limits(), Repeats: 1, terms.Range());
            var result = await new SubmissionEvaluator(sandbox, workspace.Root).EvaluateAsync(plan, "", cancellationToken);
            return new BaselineCheckResult(result.Complete ? null : Problem(result), Warnings(evalFiles, terms));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            slots.Release();
        }
    }

    private static string Problem(SubmissionEvaluation result)
    {
        var (set, run) = result.PublicRuns.FirstOrDefault(r => !r.Succeeded) is { } failedPublic
            ? ("public", failedPublic)
            : ("held-out", result.HeldOutRuns.First(r => !r.Succeeded));
        var limit = run.LimitHit == SandboxLimit.None ? "" : $", limit hit: {run.LimitHit}";
        return $"the eval of the baseline failed on the {set} set (exit {run.ExitCode}{limit}): {run.ScoreError ?? "no score"}; " +
            $"stderr: {Tail(run.Stderr)}; stdout: {Tail(run.Stdout)}. The sandbox has /usr, /bin and /lib of the host, no network, " +
            $"the working copy at {BubblewrapSandbox.WorkDirectory} and the evaluation set at {BubblewrapSandbox.DataDirectory}.";
    }

    private static IReadOnlyList<string> Warnings(IReadOnlyList<string> evalFiles, BountyTerms terms) =>
        [.. EvalFiles.ListedAsTargets(evalFiles, terms.TargetGlobs).Select(f =>
            $"target_globs lists '{f}', which the eval command names (or which holds the public set): submissions may change how they are scored. " +
            "Remove it from target_globs unless that is intended.")];

    private static string Tail(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length == 0 ? "(empty)" : trimmed.Length <= OutputChars ? trimmed : "…" + trimmed[^OutputChars..];
    }
}
