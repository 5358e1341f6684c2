using System.Globalization;
using L402Train.Bounties.Improvers;
using L402Train.Grains.Bounties.Catalog;

namespace L402Train.Gateway.Board.Pages;

/// <summary><c>/board/bounties</c>: every bounty with its pool, status and best score.</summary>
internal static class BountiesPage
{
    /// <summary>The page.</summary>
    public static async Task<string> RenderAsync(BoardReader reader)
    {
        var bounties = await reader.BountiesAsync();
        var active = bounties.Where(b => b.State.Status == BountyStatus.Active).ToList();

        return BoardLayout.Page("Bounties", "bounties", html =>
        {
            BoardLayout.Tiles(html, "bounty-headline",
            [
                ("Active bounties", active.Count.ToString(CultureInfo.InvariantCulture)),
                ("Pools remaining", HtmlWriter.Sats(active.Sum(b => b.State.Pool.RemainingSat.Value))),
                ("Rewards paid", HtmlWriter.Sats(bounties.Sum(b => b.State.Pool.PaidSat.Value))),
                ("Improvements merged", bounties.Sum(b => b.State.Leaderboard.Count).ToString(CultureInfo.InvariantCulture)),
            ]);
            BoardTable.Write(html, "bounties", $"{bounties.Count} bounties, newest first",
                ["Bounty", "Metric", "Status", "Pool", "Remaining", "Submissions", "Merged", "Baseline", "Best"],
                bounties.Reverse().Select(b => (IReadOnlyList<BoardCell>)
                [
                    new BoardCell(b.State.Posted!.Terms.Title, $"/board/bounties/{Uri.EscapeDataString(b.Id)}"),
                    $"{b.State.Posted.Terms.Metric} ({Direction(b.State.Posted.Terms.Direction)})",
                    Status(b.State),
                    BoardCell.Num(HtmlWriter.Sats(b.State.Pool.TotalSat)),
                    BoardCell.Num(HtmlWriter.Sats(b.State.Pool.RemainingSat)),
                    BoardCell.Num(b.State.Claims.Count.ToString(CultureInfo.InvariantCulture)),
                    BoardCell.Num(b.State.Leaderboard.Count.ToString(CultureInfo.InvariantCulture)),
                    BoardCell.Num(HtmlWriter.Number(b.State.BaselineScore)),
                    BoardCell.Num(HtmlWriter.Number(Best(b.State))),
                ]),
                "No bounty has been posted yet.", new HashSet<int> { 3, 4, 5, 6, 7, 8 });
        });
    }

    /// <summary>The newest merged held-out score, or the baseline before any merge.</summary>
    public static double? Best(BountyState state) =>
        state.Leaderboard.Count > 0 ? state.Leaderboard.MaxBy(e => e.Version)!.HeldOutScore : state.BaselineScore;

    /// <summary>A bounty's status in words.</summary>
    public static string Status(BountyState state) => state.Status switch
    {
        BountyStatus.AwaitingFunding => "awaiting funding",
        BountyStatus.Active => "active",
        _ => state.ClosedReason is { } reason ? $"closed ({reason.ToString().ToLowerInvariant()})" : "closed",
    };

    /// <summary>Which way the metric improves.</summary>
    public static string Direction(MetricDirection direction) => direction == MetricDirection.Maximize ? "higher is better" : "lower is better";
}
