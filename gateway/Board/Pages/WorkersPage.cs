using System.Globalization;
using L402Train.Gateway.Inference;
using L402Train.Grains.Payments;

namespace L402Train.Gateway.Board.Pages;

/// <summary>
/// <c>/board/workers</c>: paid experiment runs and paid inference. Inference usage comes from the
/// ledger (each paid completion's fee is one entry of its own purpose) and the prices from the
/// running configuration; worker experiments from the worker's totals and the agent index.
/// </summary>
internal static class WorkersPage
{
    private static readonly (InvoicePurpose Purpose, string Endpoint)[] Sold =
    [
        (InvoicePurpose.CheckpointFee, "GET /checkpoint"),
        (InvoicePurpose.BountyAccess, "GET /bounty/{id}"),
        (InvoicePurpose.Inference, "POST /v1/chat/completions"),
    ];

    /// <summary>
    /// The page; <paramref name="inference"/> is null on a silo that serves no inference; <paramref name="agentsSince"/> is the
    /// oldest refresh of a live index entry (none listed when null); <paramref name="sellsExperiments"/> is true on a worker silo.
    /// </summary>
    public static async Task<string> RenderAsync(BoardReader reader, InferenceOptions? inference, DateTimeOffset? agentsSince = null, bool sellsExperiments = false)
    {
        var ledger = await reader.LedgerAsync();
        var stats = await reader.WorkerStatsAsync();
        var agents = agentsSince is { } since ? await reader.AgentsAsync(since) : [];
        var completions = ledger.Entries.Where(e => e.Purpose == InvoicePurpose.Inference).ToList();
        return BoardLayout.Page("Workers & inference", "workers", html =>
        {
            WorkerExperimentsSection.Write(html, stats, sellsExperiments, agents);
            html.Element("h2", "Inference");
            if (inference is null)
            {
                html.Element("p", "This silo serves no inference.", ("class", "empty"));
            }
            else
            {
                BoardLayout.Tiles(html, "inference",
                [
                    ("Model", $"{InferenceOptions.ModelId} (the latest training checkpoint)"),
                    ("Price", $"{HtmlWriter.Sats(inference.BaseSat)} + {inference.MsatPerToken.ToString(CultureInfo.InvariantCulture)} msat per max_tokens"),
                    ("Paid completions", completions.Count.ToString(CultureInfo.InvariantCulture)),
                    ("Inference revenue", HtmlWriter.Sats(completions.Sum(e => e.InSat.Value))),
                ]);
            }
            html.Element("h2", "Paid requests it sells");
            BoardTable.Write(html, "sold", "Standard L402 fees recorded in the ledger",
                ["Endpoint", "Paid requests", "Revenue"],
                Sold.Select(s => (s.Endpoint, Entries: ledger.Entries.Where(e => e.Purpose == s.Purpose).ToList())).Where(g => g.Entries.Count > 0)
                    .Select(g => (IReadOnlyList<BoardCell>)
                    [
                        g.Endpoint,
                        BoardCell.Num(g.Entries.Count.ToString(CultureInfo.InvariantCulture)),
                        BoardCell.Num(HtmlWriter.Sats(g.Entries.Sum(e => e.InSat.Value))),
                    ]),
                "No paid request has been recorded yet.", new HashSet<int> { 1, 2 });
        });
    }
}
