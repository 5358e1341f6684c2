using System.Globalization;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using Xunit;

namespace L402Train.Bounties.Tests.Improvers;

public sealed class HillClimbingImproverTests
{
    private const string Config = """
        # tuning knobs; 99 in a comment is not one
        x = 0.0
        y = 10
        fast = no
        label_7 = ref-12345
        """;

    private static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string> { ["knobs.conf"] = Config + "\n" };

    /// <summary>Best at x = 3, y = 4, fast = yes.</summary>
    private static Task<double?> Quadratic(IReadOnlyDictionary<string, string> files, CancellationToken _)
    {
        var values = files["knobs.conf"].Split('\n').Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        var x = double.Parse(values["x"], CultureInfo.InvariantCulture);
        var y = double.Parse(values["y"], CultureInfo.InvariantCulture);
        return Task.FromResult<double?>(-((x - 3) * (x - 3)) - ((y - 4) * (y - 4)) + (values["fast"] == "yes" ? 1 : 0));
    }

    [Fact]
    public void Finds_numbers_and_options_on_value_sides_only()
    {
        var tokens = TunableScanner.Find("knobs.conf", Config);

        Assert.Equal(["x=0.0", "y=10", "fast=no"], tokens.Select(t => $"{t.Key}={t.Text}"));
        Assert.All(tokens, t => Assert.Equal(t.Text, Config.Substring(t.Offset, t.Text.Length)));
    }

    [Fact]
    public async Task Climbs_to_the_optimum_of_a_known_function()
    {
        var result = await ImprovementLoop.RunAsync(new HillClimbingImprover(new HillClimbingOptions(Seed: 1)), Files, Quadratic,
            MetricDirection.Maximize, iterations: 300, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(-(9.0 + 36.0), result.BaselineScore);
        Assert.True(result.BestScore > 0.9, $"best {result.BestScore}");
        Assert.Contains("fast = yes", result.BestFiles["knobs.conf"], StringComparison.Ordinal);
        Assert.Contains("label_7 = ref-12345", result.BestFiles["knobs.conf"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_seed_makes_the_same_proposals_and_another_seed_different_ones()
    {
        async Task<string[]> Run(int seed) =>
            [.. (await ImprovementLoop.RunAsync(new HillClimbingImprover(new HillClimbingOptions(seed)), Files, Quadratic,
                MetricDirection.Maximize, iterations: 40, cancellationToken: TestContext.Current.CancellationToken)).Steps.Select(s => s.Description)];

        Assert.Equal(await Run(5), await Run(5));
        Assert.NotEqual(await Run(5), await Run(6));
    }

    [Fact]
    public async Task Minimising_moves_the_other_way()
    {
        Task<double?> Negated(IReadOnlyDictionary<string, string> files, CancellationToken ct) =>
            Quadratic(files, ct).ContinueWith(t => -t.Result, TaskScheduler.Default);

        var result = await ImprovementLoop.RunAsync(new HillClimbingImprover(new HillClimbingOptions(Seed: 2)), Files, Negated,
            MetricDirection.Minimize, iterations: 200, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.BestScore < -0.9, $"best {result.BestScore}");
    }

    [Fact]
    public async Task The_result_diff_turns_the_original_files_into_the_best_ones()
    {
        var result = await ImprovementLoop.RunAsync(new HillClimbingImprover(new HillClimbingOptions(Seed: 3)), Files, Quadratic,
            MetricDirection.Maximize, iterations: 50, cancellationToken: TestContext.Current.CancellationToken);

        var (diff, rejection) = new DiffPolicy(["*.conf"], 1 << 16).Check(result.Diff);

        Assert.Null(rejection);
        Assert.Equal(result.BestFiles["knobs.conf"], DiffApplier.ApplyHunks(Files["knobs.conf"], diff!.Files[0].Hunks, "knobs.conf"));
    }

    [Fact]
    public async Task Failed_evaluations_are_never_kept()
    {
        var calls = 0;
        Task<double?> FailsAfterBaseline(IReadOnlyDictionary<string, string> files, CancellationToken ct) =>
            calls++ == 0 ? Quadratic(files, ct) : Task.FromResult<double?>(null);

        var result = await ImprovementLoop.RunAsync(new HillClimbingImprover(new HillClimbingOptions(Seed: 4)), Files, FailsAfterBaseline,
            MetricDirection.Maximize, iterations: 10, cancellationToken: TestContext.Current.CancellationToken);

        Assert.DoesNotContain(result.Steps, s => s.Kept);
        Assert.Equal("", result.Diff);
    }

    [Theory]
    [InlineData("yes", "no")]
    [InlineData("False", "True")]
    [InlineData("ON", "OFF")]
    public void Option_words_flip_keeping_their_case(string word, string flipped)
    {
        Assert.Equal(flipped, TunableScanner.FlipOption(word));
    }
}
