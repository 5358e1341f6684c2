using System.Globalization;

namespace L402Train.Silo.Demo;

/// <summary>
/// The demo's last look at its coordinator's <c>/metrics</c>: one scrape once every verdict and
/// payment is in, kept as <c>metrics.prom</c> in the cluster's data folder and summed up as
/// name=value figures (scrape time, size, series).
/// </summary>
internal static class DemoMetricsScrape
{
    /// <summary>The file the scrape is written to, in the demo's data folder.</summary>
    public const string FileName = "metrics.prom";

    /// <summary>Scrapes <paramref name="coordinator"/>'s <c>/metrics</c>, writes it to <paramref name="dataDir"/> and returns the figure lines.</summary>
    public static async Task<string> TakeAsync(Uri coordinator, string dataDir, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = coordinator, Timeout = TimeSpan.FromSeconds(30) };
        var started = TimeProvider.System.GetTimestamp();
        var body = await http.GetByteArrayAsync("metrics", cancellationToken);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        await File.WriteAllBytesAsync(Path.Combine(dataDir, FileName), body, cancellationToken);
        var series = System.Text.Encoding.UTF8.GetString(body).Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        return string.Create(CultureInfo.InvariantCulture,
            $"metrics_scrape_ms={elapsed.TotalMilliseconds:0.0}\nmetrics_scrape_bytes={body.Length}\nmetrics_series={series}");
    }
}
