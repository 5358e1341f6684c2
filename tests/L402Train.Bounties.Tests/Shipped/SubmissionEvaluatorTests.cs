using L402Train.Bounties.Diffs;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using Xunit;

namespace L402Train.Bounties.Tests.Shipped;

public sealed class SubmissionEvaluatorTests(ShippedBountyFixture bounty) : IClassFixture<ShippedBountyFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private EvaluationPlan Plan => new(
        bounty.BaselineDirectory,
        Path.Combine(bounty.BaselineDirectory, ShippedBounty.PublicDirectory),
        bounty.HeldOutDirectory,
        ShippedBounty.Task.EvalCommand,
        new DiffPolicy(ShippedBounty.Task.TargetGlobs, ShippedBounty.Task.MaxDiffBytes, ["spam_phrase"]),
        SandboxLimits.Default,
        Repeats: 2);

    private SubmissionEvaluator Evaluator => new(bounty.Sandbox, bounty.Root);

    private string Baseline => bounty.BaselineTargets[ShippedBounty.ConfigPath];

    /// <summary>Weights a person would pick after looking at the data for a minute.</summary>
    private string Tuned => Baseline
        .Replace("threshold = 0.5", "threshold = 0.8", StringComparison.Ordinal)
        .Replace("weight_link = 0.5", "weight_link = 1.0", StringComparison.Ordinal)
        .Replace("weight_money = 0.5", "weight_money = 1.0", StringComparison.Ordinal)
        .Replace("weight_urgent = 1.0", "weight_urgent = 0.5", StringComparison.Ordinal)
        .Replace("weight_greeting = 0.5", "weight_greeting = -1.0", StringComparison.Ordinal)
        .Replace("weight_length = 0.0", "weight_length = -0.5", StringComparison.Ordinal)
        .Replace("lowercase = no", "lowercase = yes", StringComparison.Ordinal);

    [Fact]
    public async Task An_honest_diff_is_scored_on_both_sets_and_beats_the_current_best_on_held_out()
    {
        var before = await Evaluator.EvaluateAsync(Plan, "", Cancel);
        var after = await Evaluator.EvaluateAsync(Plan, UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, Baseline, Tuned), Cancel);

        Assert.True(before.Complete && after.Complete);
        Assert.Equal(2, after.HeldOutScores.Count);
        Assert.True(after.HeldOutScores.Min() > before.HeldOutScores.Max() + 0.05, $"{before.HeldOutScores[0]} -> {after.HeldOutScores[0]}");
        Assert.True(after.PublicScores.Min() > before.PublicScores.Max());
    }

    [Fact]
    public async Task The_noisy_eval_scores_a_different_sample_each_repeat()
    {
        var result = await Evaluator.EvaluateAsync(Plan with { EvalCommand = ShippedBounty.NoisyEvalCommand, Repeats = 4 }, "", Cancel);
        var exact = await bounty.HeldOut.ScoreAsync(bounty.BaselineTargets, Cancel);

        Assert.True(result.Complete);
        Assert.True(result.HeldOutScores.Distinct().Count() >= 2, string.Join(", ", result.HeldOutScores));
        Assert.InRange(result.HeldOutScores.Average(), exact!.Value - 0.06, exact.Value + 0.06);
        Assert.All(result.HeldOutRuns, r => Assert.InRange(int.Parse(r.Stdout.Split('\n')[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), 220, 340));
    }

    [Fact]
    public async Task A_diff_with_a_forbidden_pattern_is_rejected_before_any_run()
    {
        var gamed = ShippedBounty.HardCodePublicAnswers(Baseline, bounty.Bounty.PublicSet[ShippedBounty.MessagesFile]);

        var result = await Evaluator.EvaluateAsync(Plan, UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, Baseline, gamed), Cancel);

        Assert.Equal(DiffRejectionReason.ForbiddenPattern, result.Rejection?.Reason);
        Assert.Empty(result.PublicRuns);
        Assert.Empty(result.HeldOutRuns);
    }

    [Fact]
    public async Task A_stale_diff_does_not_apply_and_runs_nothing()
    {
        var againstOtherVersion = UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, Tuned, Tuned.Replace("threshold = 0.8", "threshold = 0.9", StringComparison.Ordinal));

        var result = await Evaluator.EvaluateAsync(Plan, againstOtherVersion, Cancel);

        Assert.Equal(DiffRejectionReason.DoesNotApply, result.Rejection?.Reason);
        Assert.Empty(result.PublicRuns);
    }
}
