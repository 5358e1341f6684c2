using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace L402Train.Gateway.Board;

/// <summary>
/// Builds an HTML document. Every piece of text and every attribute value goes through the HTML
/// encoder: peer ids, bounty titles and agent names are chosen by whoever sends them, and the board
/// must render them, never run them.
/// </summary>
internal sealed class HtmlWriter
{
    private readonly StringBuilder html = new();

    /// <summary>Writes markup the caller wrote itself (never user input).</summary>
    public HtmlWriter Raw(string markup)
    {
        html.Append(markup);
        return this;
    }

    /// <summary>Writes encoded text.</summary>
    public HtmlWriter Text(string? text)
    {
        html.Append(HtmlEncoder.Default.Encode(text ?? ""));
        return this;
    }

    /// <summary>Opens an element with encoded attribute values; null values are left out.</summary>
    public HtmlWriter Open(string tag, params (string Name, string? Value)[] attributes)
    {
        html.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null) continue;
            html.Append(' ').Append(name).Append("=\"").Append(HtmlEncoder.Default.Encode(value)).Append('"');
        }
        html.Append('>');
        return this;
    }

    /// <summary>Closes an element.</summary>
    public HtmlWriter Close(string tag)
    {
        html.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>An element holding encoded text.</summary>
    public HtmlWriter Element(string tag, string? text, params (string Name, string? Value)[] attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    /// <summary>A link.</summary>
    public HtmlWriter Link(string href, string? text) => Element("a", text, ("href", href));

    /// <inheritdoc/>
    public override string ToString() => html.ToString();

    /// <summary>A whole number of sats, grouped by thousands.</summary>
    public static string Sats(long sats) => sats.ToString("N0", CultureInfo.InvariantCulture) + " sat";

    /// <summary>An amount with thousands separators and its unit.</summary>
    public static string Sats(Lightning.Sats sats) => Sats(sats.Value);

    /// <summary>A loss or score with four decimals; a dash when there is none.</summary>
    public static string Number(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "–";

    /// <summary>A time in UTC, to the second.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "–";

    /// <summary>A share as a percentage; a dash without a denominator.</summary>
    public static string Percent(int part, int whole) =>
        whole == 0 ? "–" : (100.0 * part / whole).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
