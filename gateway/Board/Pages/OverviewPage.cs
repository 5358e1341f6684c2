using System.Globalization;
using L402Train.Grains.Payments;
using L402Train.Grains.Training;

namespace L402Train.Gateway.Board.Pages;

/// <summary>
/// <c>/</c>: the coordinator at a glance: its status, the current round, the held-out loss over
/// rounds, the acceptance rate and the sats in and out.
/// </summary>
internal static class OverviewPage
{
    /// <summary>Rounds the overview's table lists (the newest); the chart draws every round.</summary>
    public const int TableRounds = 50;

    /// <summary>The page.</summary>
    public static async Task<string> RenderAsync(BoardReader reader, CoordinatorIdentity coordinator)
    {
        var run = await reader.RunAsync();
        var rounds = run.Started ? await reader.RoundSummariesAsync(run.CurrentRound) : [];
        var ledger = await reader.LedgerAsync();
        var decided = rounds.Sum(r => r.Decided);
        var accepted = rounds.Sum(r => r.Accepted);
        var current = rounds.Count > 0 ? rounds[^1] : null;
        var losses = LossChart(rounds);
        var rewards = RewardChart(rounds);

        return BoardLayout.Page("Overview", "overview", html =>
        {
            BoardLayout.Tiles(html, "headline",
            [
                ("Coordinator", $"online · {coordinator.Version}"),
                ("Silo", $"{coordinator.SiloId} ({string.Join(", ", coordinator.Roles)}; {coordinator.Store})"),
                ("Current round", current is null ? "not started" : $"{current.Number} · {Status(current.Status)}"),
                ("Acceptance rate", $"{HtmlWriter.Percent(accepted, decided)} of {decided.ToString(CultureInfo.InvariantCulture)} decided"),
                ("Sats in", HtmlWriter.Sats(ledger.TotalInSat)),
                ("Sats out", HtmlWriter.Sats(ledger.TotalOutSat)),
            ]);

            html.Element("h2", "Held-out loss over rounds");
            losses.WriteFigure(html, "Held-out loss before and after each round's outer step (nats per byte)", "rounds");
            html.Element("h2", "Rewards per round");
            rewards.WriteFigure(html, "Rewards granted per round (sats)", "rounds");

            html.Element("h2", "Rounds");
            BoardTable.Write(html, "rounds", $"The {Math.Min(TableRounds, rounds.Count)} newest rounds of {rounds.Count}",
                ["Round", "Status", "Submissions", "Accepted", "Loss before", "Loss after", "Rewards"],
                rounds.Reverse().Take(TableRounds).Select(r => (IReadOnlyList<BoardCell>)
                [
                    new BoardCell(r.Number.ToString(CultureInfo.InvariantCulture), $"/board/rounds/{r.Number}"),
                    Status(r.Status),
                    BoardCell.Num(r.Submissions.ToString(CultureInfo.InvariantCulture)),
                    BoardCell.Num(r.Accepted.ToString(CultureInfo.InvariantCulture)),
                    BoardCell.Num(HtmlWriter.Number(r.LossBefore)),
                    BoardCell.Num(HtmlWriter.Number(r.LossAfter)),
                    BoardCell.Num(HtmlWriter.Sats(r.RewardsSat)),
                ]),
                "No round has opened yet.", new HashSet<int> { 2, 3, 4, 5, 6 });

            html.Element("h2", "Money by purpose");
            BoardTable.Write(html, "money", "Sats through the coordinator's node, by what they were for (from the ledger)",
                ["Purpose", "Entries", "In", "Out", "Kept as fee"],
                ledger.Entries.GroupBy(e => e.Purpose).OrderBy(g => g.Key).Select(g => (IReadOnlyList<BoardCell>)
                [
                    Purpose(g.Key),
                    BoardCell.Num(g.Count().ToString(CultureInfo.InvariantCulture)),
                    BoardCell.Num(HtmlWriter.Sats(g.Sum(e => e.InSat.Value))),
                    BoardCell.Num(HtmlWriter.Sats(g.Sum(e => e.OutSat.Value))),
                    BoardCell.Num(HtmlWriter.Sats(g.Sum(e => e.KeptSat.Value))),
                ]),
                "No sats have moved yet.", new HashSet<int> { 1, 2, 3, 4 });
        }, [losses, rewards]);
    }

    /// <summary>One point per aggregated round: the loss before and after its outer step.</summary>
    internal static BoardChart LossChart(IReadOnlyList<RoundSummary> rounds)
    {
        var done = rounds.Where(r => r.Status == RoundStatus.Aggregated).ToList();
        return new BoardChart("loss", "round", "held-out loss (nats/byte)", [.. done.Select(r => (double)r.Number)],
        [
            new BoardSeries("before", [.. done.Select(r => r.LossBefore)]),
            new BoardSeries("after", [.. done.Select(r => r.LossAfter)]),
        ]);
    }

    private static BoardChart RewardChart(IReadOnlyList<RoundSummary> rounds) =>
        new("rewards", "round", "sats", [.. rounds.Select(r => (double)r.Number)],
            [new BoardSeries("rewards granted", [.. rounds.Select(r => (double?)r.RewardsSat)])]);

    /// <summary>A round status in words.</summary>
    public static string Status(RoundStatus status) => status switch
    {
        RoundStatus.Open => "open",
        RoundStatus.Closing => "validating",
        _ => "aggregated",
    };

    private static string Purpose(InvoicePurpose purpose) => purpose switch
    {
        InvoicePurpose.CheckpointFee => "checkpoint fees",
        InvoicePurpose.GradientDeposit => "training deposits forfeited",
        InvoicePurpose.TrainingReward => "training rewards",
        InvoicePurpose.BountyAccess => "bounty access fees",
        InvoicePurpose.BountyDeposit => "bounty deposits forfeited",
        InvoicePurpose.BountyFunding => "bounty funding",
        InvoicePurpose.BountyPayout => "bounty rewards",
        InvoicePurpose.BountyHoldback => "bounty holdbacks",
        InvoicePurpose.BountyRefund => "bounty refunds",
        InvoicePurpose.CoordinatorFee => "coordinator fees",
        InvoicePurpose.SimnetFaucet => "simnet faucet capital",
        _ => purpose.ToString(),
    };
}
