namespace L402Train.Gateway.Board;

/// <summary>One cell of a board table: text, an optional link, and whether it is a number (right-aligned).</summary>
/// <param name="Text">What the cell shows.</param>
/// <param name="Href">Where it links to, if anywhere.</param>
/// <param name="Numeric">True for numbers.</param>
/// <param name="Tone">A CSS class for a verdict or status tone (good, bad, neutral).</param>
internal sealed record BoardCell(string Text, string? Href = null, bool Numeric = false, string? Tone = null)
{
    public static implicit operator BoardCell(string text) => new(text);

    /// <summary>A number cell.</summary>
    public static BoardCell Num(string text) => new(text, Numeric: true);
}

/// <summary>
/// Server-rendered tables: every figure on the board has one, so the board reads without JavaScript
/// and a screen reader gets the same numbers the charts draw.
/// </summary>
internal static class BoardTable
{
    /// <summary>Writes a table with a caption, column headers and rows; <paramref name="empty"/> shows when there are no rows.</summary>
    public static void Write(HtmlWriter html, string id, string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<BoardCell>> rows, string empty, IReadOnlySet<int>? numericColumns = null)
    {
        var list = rows.ToList();
        // A wide table scrolls sideways: the region takes keyboard focus so it can be scrolled without a mouse.
        html.Open("div", ("class", "table-wrap"), ("id", id), ("data-live", ""), ("role", "region"), ("aria-label", caption), ("tabindex", "0"));
        if (list.Count == 0)
        {
            html.Element("p", empty, ("class", "empty"));
            html.Close("div");
            return;
        }
        html.Open("table", ("data-rows", list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        html.Element("caption", caption);
        html.Open("thead").Open("tr");
        for (var i = 0; i < headers.Count; i++)
            html.Element("th", headers[i], ("scope", "col"), ("class", numericColumns?.Contains(i) == true ? "num" : null));
        html.Close("tr").Close("thead").Open("tbody");
        foreach (var row in list)
        {
            html.Open("tr");
            foreach (var cell in row)
            {
                var classes = string.Join(' ', new[] { cell.Numeric ? "num" : null, cell.Tone }.Where(c => c is not null));
                html.Open("td", ("class", classes.Length == 0 ? null : classes));
                if (cell.Href is { } href) html.Link(href, cell.Text);
                else html.Text(cell.Text);
                html.Close("td");
            }
            html.Close("tr");
        }
        html.Close("tbody").Close("table").Close("div");
    }
}
