using L402Train.Lightning;
using System.Text.Json;
using L402Train.Gateway.Apis;
using L402Train.Gateway.Bounties;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Improvers;
using L402Train.Grains.Bounties.Submissions;
using Xunit;

namespace L402Train.Bounties.Tests.Http;

/// <summary>What the views everyone but the sponsor reads show of the held-out set while the bounty is open.</summary>
public sealed class HeldOutDisclosureTests
{
    private const double ExactHeldOut = 0.876543210987;
    private const double ExactImprovement = 0.0345678912345;

    private static readonly BountyTerms Terms = new("t", "d", "accuracy", MetricDirection.Maximize, "sh eval.sh", ["classifier.conf"], [], 4096,
        new Sats(20_000), DateTimeOffset.UnixEpoch.AddYears(60), 100_000, 0.01, 30, 256, 2);

    private static BountyState Bounty(BountyStatus status) => new()
    {
        Posted = new NewBounty(Terms, "b", "h", "sha", PaymentHash.FromHex(new string('f', 64)), "lnbc", DateTimeOffset.UnixEpoch, 5),
        Status = status,
        Version = 1,
        BestHeldOutScores = [ExactHeldOut - 0.0001, ExactHeldOut + 0.0001],
        BaselineScore = 0.841975319,
        Leaderboard = [new LeaderboardEntry("s1", "agent", 1, 0.9, ExactHeldOut, ExactImprovement, new Sats(3000), new Sats(150), DateTimeOffset.UnixEpoch, "tree")],
    };

    private static BountySubmissionState Decided(BountyVerdict verdict) => new()
    {
        Received = new NewBountySubmission("b-1", "agent", 0, "blob", "hash", 10, null, null, PaymentHash.FromHex(new string('a', 64)), "token", new Sats(1000)),
        Verdict = verdict,
    };

    private static BountyVerdict Accepted => new(BountyVerdictReason.Accepted,
        $"held-out {ExactHeldOut:0.#####} vs best 0.84198 (improvement +{ExactImprovement:0.#####})",
        PublicScores: [0.91, 0.92], HeldOutScores: [ExactHeldOut - 0.002, ExactHeldOut + 0.002], Improvement: ExactImprovement);

    private static string Json(object view) => JsonSerializer.Serialize(view, HttpJson.Options);

    [Fact]
    public void An_agent_sees_held_out_figures_floored_to_the_min_improvement_grid_and_no_exact_digits()
    {
        var view = BountySubmissionViews.ForAgents("s1", Decided(Accepted), Bounty(BountyStatus.Active));

        Assert.Equal(0.87, view.HeldoutScore);
        Assert.Equal(0.03, view.Improvement);
        Assert.Equal(0.915, view.PublicScore);
        var json = Json(view);
        Assert.DoesNotContain("87654", json, StringComparison.Ordinal);
        Assert.DoesNotContain("03456", json, StringComparison.Ordinal);
        Assert.DoesNotContain("8745", json, StringComparison.Ordinal); // a per-repeat score
        Assert.Contains("at least 0.03", view.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sponsor_sees_the_exact_figures()
    {
        var view = await BountySubmissionViews.ForSponsorAsync("s1", Decided(Accepted), _ => Task.FromResult<string?>("diff"));

        Assert.Equal(ExactHeldOut, view.HeldoutScore!.Value, 12);
        Assert.Equal(ExactImprovement, view.Improvement);
        Assert.Contains("0.87654", view.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_held_out_failure_shows_agents_neither_its_output_nor_its_exit_code()
    {
        var failed = new BountyVerdict(BountyVerdictReason.EvalFailed,
            "the eval passed on the public set but failed on the held-out set; its output, exit code and timing are not shown while the bounty is open",
            PublicScores: [0.9]) { HeldOutFailure = "exit 42, 1.234 s: secret-held-out-line" };

        var agent = Json(BountySubmissionViews.ForAgents("s1", Decided(failed), Bounty(BountyStatus.Active)));
        var sponsor = await BountySubmissionViews.ForSponsorAsync("s1", Decided(failed), _ => Task.FromResult<string?>(null));

        Assert.DoesNotContain("secret-held-out-line", agent, StringComparison.Ordinal);
        Assert.DoesNotContain("42", agent, StringComparison.Ordinal);
        Assert.Contains("secret-held-out-line", sponsor.HeldoutFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void Public_listings_and_the_leaderboard_show_coarse_held_out_scores()
    {
        var bounty = Bounty(BountyStatus.Active);

        var board = BountyViews.Leaderboard("b-1", bounty);
        var summary = BountyViews.Summary("b-1", bounty);
        var detail = BountyViews.Detail("b-1", bounty, [1, 2, 3]);

        Assert.Equal(0.87, board.BestScore);
        Assert.Equal(0.84, board.BaselineScore);
        Assert.Equal(0.87, board.Entries[0].HeldoutScore);
        Assert.Equal(0.03, board.Entries[0].Improvement);
        Assert.Equal(0.87, summary.BestScore);
        Assert.Equal(0.87, detail.BestScore);
        Assert.Equal(0.84, detail.BaselineScore);
        Assert.Equal((0.0, 1.0), (detail.ScoreMin, detail.ScoreMax));
    }

    [Fact]
    public void Once_the_held_out_set_is_revealed_the_figures_are_exact()
    {
        var view = BountySubmissionViews.ForAgents("s1", Decided(Accepted), Bounty(BountyStatus.Closed));

        Assert.Equal(ExactImprovement, view.Improvement);
    }

    [Theory]
    [InlineData(0.0345678, 3000)]
    [InlineData(0.03, 3000)]
    [InlineData(0.0299999, 2000)]
    [InlineData(0.005, 0)]
    public void The_reward_is_paid_on_the_coarse_improvement_so_it_reveals_no_more(double improvement, long reward)
    {
        Assert.Equal(reward, Terms.RewardFor(improvement));
    }
}
