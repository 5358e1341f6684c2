using System.Globalization;
using L402Train.Grains.Payments;

namespace L402Train.Gateway.Board.Pages;

/// <summary>
/// <c>/board/workers</c>: paid experiment runs and paid inference. This build's coordinator sells
/// neither yet; the page says so, and shows the paid endpoints it does sell, from the ledger.
/// </summary>
internal static class WorkersPage
{
    private static readonly InvoicePurpose[] Sold = [InvoicePurpose.CheckpointFee, InvoicePurpose.BountyAccess];

    /// <summary>The page.</summary>
    public static async Task<string> RenderAsync(BoardReader reader)
    {
        var ledger = await reader.LedgerAsync();
        return BoardLayout.Page("Workers & inference", "workers", html =>
        {
            html.Element("h2", "Worker experiments");
            html.Element("p", "This coordinator does not sell sandboxed experiment runs: no worker silo has joined it.", ("class", "empty"));
            html.Element("h2", "Inference");
            html.Element("p", "This coordinator does not sell inference: no OpenAI-compatible endpoint is served.", ("class", "empty"));
            html.Element("h2", "Paid downloads it sells");
            BoardTable.Write(html, "sold", "Standard L402 fees recorded in the ledger",
                ["Endpoint", "Paid requests", "Revenue"],
                Sold.Select(p => (p, Entries: ledger.Entries.Where(e => e.Purpose == p).ToList())).Where(g => g.Entries.Count > 0)
                    .Select(g => (IReadOnlyList<BoardCell>)
                    [
                        g.p == InvoicePurpose.CheckpointFee ? "GET /checkpoint" : "GET /bounty/{id}",
                        BoardCell.Num(g.Entries.Count.ToString(CultureInfo.InvariantCulture)),
                        BoardCell.Num(HtmlWriter.Sats(g.Entries.Sum(e => e.InSat))),
                    ]),
                "No paid download has been recorded yet.", new HashSet<int> { 1, 2 });
        });
    }
}
