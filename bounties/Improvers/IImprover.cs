namespace L402Train.Bounties.Improvers;

/// <summary>A candidate change: the full new text of the target files and what was changed.</summary>
/// <param name="Files">Every target file (relative path → text) as the candidate would have it.</param>
/// <param name="Description">What changed, for logs ("weight_link 0.5 → 0.83").</param>
public sealed record Proposal(IReadOnlyDictionary<string, string> Files, string Description);

/// <summary>What an improver knows when asked for the next proposal.</summary>
/// <param name="BestFiles">The target files of the best version so far.</param>
/// <param name="BestScore">Its score.</param>
/// <param name="Direction">Which way the metric improves.</param>
/// <param name="History">Every step so far.</param>
public sealed record ImprovementContext(
    IReadOnlyDictionary<string, string> BestFiles,
    double BestScore,
    MetricDirection Direction,
    IReadOnlyList<ImprovementStep> History);

/// <summary>One evaluated proposal.</summary>
/// <param name="Iteration">1-based.</param>
/// <param name="Description">The proposal's description.</param>
/// <param name="Score">Its score; null when the eval failed.</param>
/// <param name="Kept">True when it became the new best.</param>
public sealed record ImprovementStep(int Iteration, string Description, double? Score, bool Kept);

/// <summary>
/// Proposes edits to a bounty's target files. The agent loop evaluates each proposal and keeps or
/// discards it; improvers are pluggable (the built-in hill climber, a model behind a chat endpoint…).
/// </summary>
public interface IImprover
{
    /// <summary>The next candidate, or null when the improver has nothing more to try.</summary>
    Task<Proposal?> ProposeAsync(ImprovementContext context, CancellationToken cancellationToken);

    /// <summary>Hears how a proposal fared, so an adaptive improver can adjust.</summary>
    void Observe(Proposal proposal, double? score, bool kept);
}
