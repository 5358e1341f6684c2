using System.Globalization;
using L402Train.Grains.Training;

namespace L402Train.Gateway.Board.Pages;

/// <summary>
/// <c>/board/peers</c>: the peers of the recent rounds, each with its earnings and verdict mix. The
/// window and the list are bounded (<see cref="BoardReader.PeerWindowRounds"/>, <see cref="BoardReader.PeerListLimit"/>)
/// so the page costs the same on round 10 and round 10,000.
/// </summary>
internal static class PeersPage
{
    /// <summary>The page.</summary>
    public static async Task<string> RenderAsync(BoardReader reader)
    {
        var run = await reader.RunAsync();
        var rounds = run.Started ? await reader.RecentRoundsAsync(run.CurrentRound) : [];
        var window = rounds
            .SelectMany(r => r.Submissions)
            .GroupBy(s => s.PeerId, StringComparer.Ordinal)
            .Select(g => (Peer: g.Key, Granted: g.Sum(s => s.RewardSat.Value), Verdicts: g.Where(s => s.Reason is not null).GroupBy(s => s.Reason!.Value).ToDictionary(v => v.Key, v => v.Count()), Count: g.Count()))
            .OrderByDescending(p => p.Granted).ThenBy(p => p.Peer, StringComparer.Ordinal)
            .Take(BoardReader.PeerListLimit)
            .ToList();
        var lifetime = await reader.PeersAsync([.. window.Select(p => p.Peer)]);
        var first = rounds.Count > 0 ? rounds[0].Number : 0;
        var chart = new BoardChart("earnings", "peer (rank by rewards granted)", "sats",
            [.. window.Select((_, i) => (double)(i + 1))],
            [new BoardSeries("rewards granted in the window", [.. window.Select(p => (double?)p.Granted)])]);

        return BoardLayout.Page("Peers", "peers", html =>
        {
            html.Element("p", rounds.Count == 0
                ? "No round has opened yet."
                : $"Peers that submitted in rounds {first}–{run.CurrentRound}, by rewards granted there; deposits, forfeits and payouts are lifetime totals.");
            chart.WriteFigure(html, "Rewards granted per peer in the window (sats)", "peers");
            BoardTable.Write(html, "peers", $"{window.Count} peers",
                ["Peer", "Submissions", "Verdict mix", "Rewards granted", "Rewards paid", "Deposits", "Forfeited"],
                window.Zip(lifetime).Select(p => (IReadOnlyList<BoardCell>)
                [
                    p.First.Peer,
                    BoardCell.Num(p.First.Count.ToString(CultureInfo.InvariantCulture)),
                    Mix(p.First.Verdicts),
                    BoardCell.Num(HtmlWriter.Sats(p.First.Granted)),
                    BoardCell.Num(HtmlWriter.Sats(p.Second.RewardsPaidSat)),
                    BoardCell.Num(HtmlWriter.Sats(p.Second.DepositsSat)),
                    BoardCell.Num(HtmlWriter.Sats(p.Second.ForfeitedSat)),
                ]),
                "No peer has submitted yet.", new HashSet<int> { 1, 3, 4, 5, 6 });
        }, [chart]);
    }

    private static string Mix(Dictionary<VerdictReason, int> verdicts) =>
        verdicts.Count == 0 ? "pending" : string.Join(" · ", verdicts.OrderBy(v => v.Key).Select(v => $"{BoardWords.Verdict(v.Key)} {v.Value.ToString(CultureInfo.InvariantCulture)}"));
}
