using L402Train.Bounties.Diffs;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using Xunit;

namespace L402Train.Bounties.Tests.Shipped;

/// <summary>What the evaluator refuses to score or to run: out-of-range scores, edits to the eval itself, held-out runs after a failure.</summary>
public sealed class SubmissionEvaluatorGuardTests(ShippedBountyFixture bounty) : IClassFixture<ShippedBountyFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private EvaluationPlan Plan(string command, IReadOnlyList<string>? globs = null) => new(
        bounty.BaselineDirectory,
        Path.Combine(bounty.BaselineDirectory, ShippedBounty.PublicDirectory),
        bounty.HeldOutDirectory,
        command,
        new DiffPolicy(globs ?? ShippedBounty.Task.TargetGlobs, ShippedBounty.Task.MaxDiffBytes)
        {
            EvalFilePaths = EvalFiles.Find(command, bounty.BaselineDirectory),
        },
        SandboxLimits.Default,
        Repeats: 2,
        Range: new ScoreRange(0, 1));

    private SubmissionEvaluator Evaluator => new(bounty.Sandbox, bounty.Root);

    [Fact]
    public async Task The_held_out_set_is_never_run_after_a_public_run_failed()
    {
        var result = await Evaluator.EvaluateAsync(Plan("echo broken >&2; exit 3"), "", Cancel);

        Assert.False(result.Complete);
        Assert.Single(result.PublicRuns);
        Assert.Empty(result.HeldOutRuns);
    }

    [Theory]
    [InlineData("1e308")]
    [InlineData("-0.5")]
    [InlineData("1.0000001")]
    [InlineData("inf")]
    [InlineData("nan")]
    public async Task A_score_that_is_not_finite_or_outside_the_declared_range_fails_the_run(string printed)
    {
        var result = await Evaluator.EvaluateAsync(Plan($"echo {printed}"), "", Cancel);

        Assert.False(result.Complete);
        Assert.Empty(result.PublicScores);
        Assert.Empty(result.HeldOutRuns);
        Assert.Matches("outside the bounty's declared range|not a finite number", result.PublicRuns[0].ScoreError);
    }

    [Fact]
    public async Task Scores_at_the_ends_of_the_range_count()
    {
        var result = await Evaluator.EvaluateAsync(Plan("if [ -e /data/labels.tsv ]; then echo 1; else echo 0; fi"), "", Cancel);

        Assert.True(result.Complete);
    }

    [Fact]
    public async Task A_diff_to_the_eval_script_is_refused_when_only_a_wildcard_matches_it()
    {
        var script = bounty.Bounty.Baseline["eval.sh"];
        var rigged = UnifiedDiffWriter.Write("eval.sh", script, "echo 1\n");

        var wildcard = await Evaluator.EvaluateAsync(Plan(ShippedBounty.Task.EvalCommand, ["*"]), rigged, Cancel);
        var listed = await Evaluator.EvaluateAsync(Plan(ShippedBounty.Task.EvalCommand, ["classifier.conf", "eval.sh"]), rigged, Cancel);

        Assert.Equal(DiffRejectionReason.NonTargetFile, wildcard.Rejection?.Reason);
        Assert.Contains("eval file", wildcard.Rejection!.Message, StringComparison.Ordinal);
        Assert.Empty(wildcard.PublicRuns);
        // Listed explicitly, it is the sponsor's choice (and creation warns about it).
        Assert.Null(listed.Rejection);
        Assert.True(listed.Complete);
    }

    [Fact]
    public async Task A_diff_to_the_public_set_is_refused_even_under_a_catch_all_glob()
    {
        var file = $"{ShippedBounty.PublicDirectory}/{ShippedBounty.MessagesFile}";
        var messages = bounty.Bounty.PublicSet[ShippedBounty.MessagesFile];
        var diff = UnifiedDiffWriter.Write(file, messages, messages + "extra\tham\n");

        var result = await Evaluator.EvaluateAsync(Plan(ShippedBounty.Task.EvalCommand, ["**"]), diff, Cancel);

        Assert.Equal(DiffRejectionReason.NonTargetFile, result.Rejection?.Reason);
    }
}
