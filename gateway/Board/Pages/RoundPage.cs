using System.Globalization;

namespace L402Train.Gateway.Board.Pages;

/// <summary><c>/board/rounds/{n}</c>: one round, each submission with its verdict, score, deposit and reward.</summary>
internal static class RoundPage
{
    /// <summary>The page; null when the round does not exist.</summary>
    public static async Task<string?> RenderAsync(BoardReader reader, int number)
    {
        if (await reader.RoundAsync(number) is not { } round) return null;
        var submissions = await reader.SubmissionsAsync(round);
        var byId = round.Submissions.Zip(submissions).ToList();

        return BoardLayout.Page($"Round {number}", "overview", html =>
        {
            html.Open("p", ("class", "pager"));
            if (number > 1) html.Link($"/board/rounds/{number - 1}", $"← round {number - 1}").Text(" ");
            html.Link($"/board/rounds/{number + 1}", $"round {number + 1} →").Close("p");

            BoardLayout.Tiles(html, "round-headline",
            [
                ("Status", OverviewPage.Status(round.Status)),
                ("Base version", round.BaseVersion.ToString(CultureInfo.InvariantCulture)),
                ("Opened", HtmlWriter.Time(round.OpenedAt)),
                ("Deadline", HtmlWriter.Time(round.Deadline)),
                ("Loss before → after", $"{HtmlWriter.Number(round.LossBefore)} → {HtmlWriter.Number(round.LossAfter)}"),
                ("Rewards granted", HtmlWriter.Sats(round.RewardsGrantedSat)),
            ]);

            html.Element("h2", "Submissions");
            BoardTable.Write(html, "submissions", $"{round.Submissions.Count} submissions in arrival order",
                ["#", "Submission", "Peer", "Verdict", "Score", "Deposit", "Deposit status", "Reward", "Reward status"],
                byId.Select(p => (IReadOnlyList<BoardCell>)
                [
                    BoardCell.Num(p.First.Sequence.ToString(CultureInfo.InvariantCulture)),
                    p.First.Id,
                    p.First.PeerId,
                    BoardWords.VerdictCell(p.First.Reason),
                    BoardCell.Num(p.First.Reason is null ? "–" : HtmlWriter.Number(p.First.Score)),
                    BoardCell.Num(HtmlWriter.Sats(p.Second.Received?.DepositSat.Value ?? 0)),
                    BoardWords.Deposit(p.Second.Deposit),
                    BoardCell.Num(HtmlWriter.Sats(p.First.RewardSat)),
                    BoardWords.Reward(p.Second.Reward),
                ]),
                "No submission yet.", new HashSet<int> { 0, 4, 5, 7 });
        });
    }
}
