namespace L402Train.Gateway.Board;

/// <summary>The frame every board page shares: head, navigation, the live-update script and the chart data.</summary>
internal static class BoardLayout
{
    /// <summary>The board's sections, in navigation order: (key, path, label).</summary>
    public static readonly IReadOnlyList<(string Key, string Path, string Label)> Sections =
    [
        ("overview", "/", "Overview"),
        ("peers", "/board/peers", "Peers"),
        ("bounties", "/board/bounties", "Bounties"),
        ("workers", "/board/workers", "Workers & inference"),
    ];

    /// <summary>How often the page's script refreshes the live parts.</summary>
    public const int RefreshSeconds = 5;

    /// <summary>A whole page.</summary>
    public static string Page(string title, string section, Action<HtmlWriter> body, IReadOnlyList<BoardChart>? charts = null)
    {
        var html = new HtmlWriter();
        html.Raw("<!DOCTYPE html>").Open("html", ("lang", "en")).Open("head")
            .Raw("<meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Element("title", $"{title} · L402Train")
            .Raw("<link rel=\"icon\" href=\"data:,\">") // no favicon request (it would be a 404 on every page)
            .Open("link", ("rel", "stylesheet"), ("href", BoardAssets.Url("vendor/uplot/uPlot.min.css")))
            .Open("link", ("rel", "stylesheet"), ("href", BoardAssets.Url("board.css")))
            .Open("script", ("src", BoardAssets.Url("vendor/uplot/uPlot.iife.min.js")), ("defer", "")).Close("script")
            .Open("script", ("src", BoardAssets.Url("board.js")), ("defer", "")).Close("script")
            .Close("head");
        html.Open("body", ("data-refresh-seconds", RefreshSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        html.Element("a", "Skip to content", ("class", "skip"), ("href", "#content"));
        html.Open("header").Open("p", ("class", "brand")).Link("/", "L402Train").Close("p");
        html.Open("nav", ("aria-label", "Board sections")).Open("ul");
        foreach (var (key, path, label) in Sections)
            html.Open("li").Open("a", ("href", path), ("aria-current", key == section ? "page" : null)).Text(label).Close("a").Close("li");
        html.Close("ul").Close("nav").Close("header");
        html.Open("main", ("id", "content")).Element("h1", title);
        body(html);
        html.Close("main");
        html.Open("footer").Open("p")
            .Text("Updates every ").Text(RefreshSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)).Text(" s while JavaScript runs; reload otherwise. Machine-readable: ")
            .Link("/status.json", "/status.json").Text(", ").Link("/metrics", "/metrics").Text(". ")
            .Element("span", "", ("id", "updated"), ("aria-live", "polite"))
            .Close("p").Close("footer");
        if (charts is { Count: > 0 })
            html.Open("script", ("type", "application/json"), ("id", "board-charts")).Raw(BoardChart.ToJson(charts)).Close("script");
        html.Close("body").Close("html");
        return html.ToString();
    }

    /// <summary>A row of headline figures.</summary>
    public static void Tiles(HtmlWriter html, string id, IEnumerable<(string Label, string Value)> tiles)
    {
        html.Open("dl", ("class", "tiles"), ("id", id), ("data-live", ""));
        foreach (var (label, value) in tiles)
            html.Open("div").Element("dt", label).Element("dd", value).Close("div");
        html.Close("dl");
    }
}
