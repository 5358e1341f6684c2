using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.Gateway.Board;

/// <summary>One line of a chart.</summary>
/// <param name="Label">Its legend.</param>
/// <param name="Values">One value per x; null where there is none (drawn as a gap).</param>
internal sealed record BoardSeries(string Label, IReadOnlyList<double?> Values);

/// <summary>
/// A chart the page's script draws with uPlot from the page's embedded data. The same numbers are
/// always in a table on the page as well (the chart's fallback without JavaScript).
/// </summary>
/// <param name="Name">Key in the page's chart data; the figure carries <c>data-chart="name"</c>.</param>
/// <param name="XLabel">The x axis.</param>
/// <param name="YLabel">The y axis.</param>
/// <param name="X">The x values, ascending.</param>
/// <param name="Series">The lines.</param>
/// <param name="Time">True when x is Unix seconds (an axis of dates).</param>
internal sealed record BoardChart(string Name, string XLabel, string YLabel, IReadOnlyList<double> X, IReadOnlyList<BoardSeries> Series, bool Time = false)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // The default encoder escapes <, > and &, so the JSON is safe inside a <script> data block.
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The page's chart data: a JSON object keyed by chart name.</summary>
    public static string ToJson(IEnumerable<BoardChart> charts) =>
        JsonSerializer.Serialize(charts.ToDictionary(c => c.Name, c => new
        {
            c.XLabel,
            c.YLabel,
            c.X,
            c.Time,
            Series = c.Series.Select(s => new { s.Label, Values = s.Values.Select(v => v is { } d && double.IsFinite(d) ? v : null) }),
        }), Json);

    /// <summary>Writes the figure the chart is drawn into, with its caption and a pointer to the table holding the same numbers.</summary>
    public void WriteFigure(HtmlWriter html, string caption, string tableId)
    {
        var captionId = $"{Name}-caption";
        html.Open("figure", ("class", "chart-figure"), ("data-chart", Name), ("aria-labelledby", captionId));
        html.Element("figcaption", caption, ("id", captionId));
        html.Open("div", ("class", "chart"), ("role", "img"), ("aria-label", $"{caption}: {X.Count} points; the values are in the table below"));
        html.Open("p", ("class", "chart-fallback")).Text($"{X.Count} points. The values are in ").Link($"#{tableId}", "the table below").Text(".").Close("p");
        html.Close("div").Close("figure");
    }
}
