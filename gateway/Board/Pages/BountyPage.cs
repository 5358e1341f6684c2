using System.Globalization;

namespace L402Train.Gateway.Board.Pages;

/// <summary>
/// <c>/board/bounties/{id}</c>: one bounty's terms, pool, leaderboard and best held-out score over
/// time. Only what the public API already shows: never the held-out set or its per-item answers.
/// </summary>
internal static class BountyPage
{
    /// <summary>The page; null when no bounty has this id.</summary>
    public static async Task<string?> RenderAsync(BoardReader reader, string id)
    {
        if (await reader.BountyAsync(id) is not { Posted: { } posted } state) return null;
        var terms = posted.Terms;
        var merged = state.Leaderboard.OrderBy(e => e.Version).ToList();
        // The baseline is the first point (at funding), then one point per merged improvement.
        var points = new List<(DateTimeOffset At, double Score)>();
        if (state.BaselineScore is { } baseline) points.Add((state.FundedAt ?? state.CreatedAt, baseline));
        points.AddRange(merged.Select(e => (e.AcceptedAt, e.HeldOutScore)));
        var chart = new BoardChart("best-score", "time", terms.Metric, [.. points.Select(p => (double)p.At.ToUnixTimeSeconds())],
            [new BoardSeries($"best held-out {terms.Metric}", [.. points.Select(p => (double?)p.Score)])], Time: true);

        return BoardLayout.Page(terms.Title, "bounties", html =>
        {
            html.Element("p", terms.Description);
            BoardLayout.Tiles(html, "bounty-detail",
            [
                ("Status", BountiesPage.Status(state)),
                ("Metric", $"{terms.Metric} ({BountiesPage.Direction(terms.Direction)})"),
                ("Deadline", HtmlWriter.Time(terms.Deadline)),
                ("Pool", $"{HtmlWriter.Sats(state.Pool.RemainingSat)} left of {HtmlWriter.Sats(state.Pool.TotalSat)}"),
                ("Rate", $"{HtmlWriter.Sats(terms.RateSatPerUnit)} per unit of improvement (min {terms.MinImprovement.ToString("G4", CultureInfo.InvariantCulture)})"),
                ("Held-out set SHA-256", posted.HeldOutSha256),
            ]);
            html.Element("h2", "Best score over time");
            chart.WriteFigure(html, $"Best held-out {terms.Metric}: the baseline, then each merged improvement", "leaderboard");
            html.Element("h2", "Leaderboard");
            BoardTable.Write(html, "leaderboard", $"{merged.Count} merged improvements, newest first",
                ["Version", "Agent", "Submission", "Held-out score", "Improvement", "Reward", "Paid", "Merged at"],
                merged.AsEnumerable().Reverse().Select(e => (IReadOnlyList<BoardCell>)
                [
                    BoardCell.Num(e.Version.ToString(CultureInfo.InvariantCulture)),
                    e.Agent,
                    e.SubmissionId,
                    BoardCell.Num(HtmlWriter.Number(e.HeldOutScore)),
                    BoardCell.Num(HtmlWriter.Number(e.Improvement)),
                    BoardCell.Num(HtmlWriter.Sats(e.RewardSat)),
                    e.Paid ? "paid" : "owed",
                    HtmlWriter.Time(e.AcceptedAt),
                ]),
                "No improvement has been merged yet.", new HashSet<int> { 0, 3, 4, 5 });
        }, [chart]);
    }
}
