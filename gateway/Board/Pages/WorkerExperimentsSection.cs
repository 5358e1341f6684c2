using System.Globalization;
using System.Text.Json;
using L402Train.Grains.Workers;
using L402Train.Protocol;
using L402Train.Protocol.Research;

namespace L402Train.Gateway.Board.Pages;

/// <summary>
/// The "Worker experiments" section of <c>/board/workers</c>: what this silo's worker role delivered (its totals
/// grain) and the live workers of the agent index, best <c>val_bpb</c> first (docs/workers.md).
/// </summary>
internal static class WorkerExperimentsSection
{
    /// <summary>Writes the section; <paramref name="agents"/> are the index's live entries.</summary>
    public static void Write(HtmlWriter html, WorkerStats stats, bool sellsExperiments, IReadOnlyList<AgentEntry> agents)
    {
        html.Element("h2", "Worker experiments");
        if (sellsExperiments || stats.Delivered + stats.Abandoned > 0)
        {
            BoardLayout.Tiles(html, "experiments",
            [
                ("Delivered", stats.Delivered.ToString(CultureInfo.InvariantCulture)),
                ("Failed (own code, paid)", stats.Failed.ToString(CultureInfo.InvariantCulture)),
                ("Abandoned (refunded)", stats.Abandoned.ToString(CultureInfo.InvariantCulture)),
                ("Best val_bpb", HtmlWriter.Number(stats.BestValBpb)),
                ("Earned", HtmlWriter.Sats(stats.EarnedSat)),
            ]);
        }
        else
        {
            html.Element("p", "This silo does not sell experiment runs (no worker role).", ("class", "empty"));
        }
        var rows = agents
            .Select(a => (Entry: a, Registration: JsonSerializer.Deserialize<AgentRegistration>(a.RegistrationJson, ProtocolJson.Options)!))
            .OrderBy(a => a.Registration.BestValBpb ?? double.MaxValue)
            .Select(a => (IReadOnlyList<BoardCell>)
            [
                a.Registration.Name,
                a.Entry.NodePubkey[..16] + "…",
                BoardCell.Num(HtmlWriter.Sats(a.Registration.PriceSats)),
                BoardCell.Num(HtmlWriter.Number(a.Registration.BestValBpb)),
                BoardCell.Num(a.Registration.ExperimentsDelivered.ToString(CultureInfo.InvariantCulture)),
                HtmlWriter.Time(a.Entry.UpdatedAt),
            ]);
        BoardTable.Write(html, "agents", "Workers in this coordinator's index (GET /api/v1/public/agents), best val_bpb first",
            ["Worker", "Node key", "Price", "Best val_bpb", "Delivered", "Refreshed"], rows,
            "No worker has registered with this coordinator's index.", new HashSet<int> { 2, 3, 4 });
    }
}
