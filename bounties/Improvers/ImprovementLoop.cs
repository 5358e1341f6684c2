using L402Train.Bounties.Diffs;

namespace L402Train.Bounties.Improvers;

/// <summary>Scores the target files of a candidate (e.g. by running the eval command); null when the eval failed.</summary>
public delegate Task<double?> EvaluateCandidate(IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken);

/// <summary>The outcome of an improvement run.</summary>
/// <param name="BaselineScore">The score of the files as given.</param>
/// <param name="BestScore">The best score reached.</param>
/// <param name="BestFiles">The target files of the best version.</param>
/// <param name="Diff">The unified diff from the given files to the best ones (empty when nothing improved).</param>
/// <param name="Steps">Every proposal evaluated.</param>
public sealed record ImprovementResult(
    double BaselineScore,
    double BestScore,
    IReadOnlyDictionary<string, string> BestFiles,
    string Diff,
    IReadOnlyList<ImprovementStep> Steps);

/// <summary>
/// The keep-or-discard loop: propose, evaluate, keep what is at least as good, repeat. Ties are
/// kept by default because metrics like accuracy are flat across most small changes; walking
/// those plateaus is what lets a hill climber reach the next step up.
/// </summary>
public static class ImprovementLoop
{
    /// <summary>
    /// Runs <paramref name="iterations"/> proposals of <paramref name="improver"/> from
    /// <paramref name="files"/>, keeping those that beat the best by more than <paramref name="margin"/>
    /// (or equal it, when <paramref name="acceptTies"/>).
    /// </summary>
    public static async Task<ImprovementResult> RunAsync(
        IImprover improver,
        IReadOnlyDictionary<string, string> files,
        EvaluateCandidate evaluate,
        MetricDirection direction,
        int iterations,
        double margin = 0,
        bool acceptTies = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(improver);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(evaluate);
        var baseline = await evaluate(files, cancellationToken)
            ?? throw new InvalidOperationException("the baseline does not evaluate; nothing to improve from.");
        var best = files;
        var bestScore = baseline;
        var steps = new List<ImprovementStep>();
        for (var i = 1; i <= iterations; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var proposal = await improver.ProposeAsync(new ImprovementContext(best, bestScore, direction, steps), cancellationToken);
            if (proposal is null) { break; }
            var score = await evaluate(proposal.Files, cancellationToken);
            var kept = score is { } s && (direction.IsBetter(bestScore, s, margin) || (acceptTies && s == bestScore));
            improver.Observe(proposal, score, kept);
            steps.Add(new ImprovementStep(i, proposal.Description, score, kept));
            if (kept)
            {
                best = proposal.Files;
                bestScore = score!.Value;
            }
        }
        var diff = UnifiedDiffWriter.Write(files.Keys.Order(StringComparer.Ordinal)
            .Select(path => new FileChange(path, files[path], best[path])));
        return new ImprovementResult(baseline, bestScore, best, diff, steps);
    }
}
