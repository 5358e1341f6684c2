using Microsoft.Playwright;

namespace L402Train.Bench.Board;

/// <summary>What one cold page load cost in Chromium.</summary>
/// <param name="Bytes">Bytes transferred: the document and every resource it loaded (encoded body sizes).</param>
/// <param name="Requests">Requests made.</param>
/// <param name="FirstContentfulPaintMs">From navigation start to the first contentful paint.</param>
/// <param name="LoadMs">From navigation start to the load event's end.</param>
internal sealed record PageFigures(long Bytes, int Requests, double FirstContentfulPaintMs, double LoadMs)
{
    /// <summary>Loads <paramref name="url"/> in a fresh context (an empty cache) and reads the browser's own timings.</summary>
    public static async Task<PageFigures> MeasureAsync(IBrowser browser, string url)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.NetworkIdle });
        var figures = await page.EvaluateAsync<double[]>(
            """
            () => {
              const nav = performance.getEntriesByType('navigation')[0];
              const resources = performance.getEntriesByType('resource');
              const fcp = performance.getEntriesByName('first-contentful-paint')[0];
              const bytes = nav.encodedBodySize + resources.reduce((sum, r) => sum + r.encodedBodySize, 0);
              return [bytes, 1 + resources.length, fcp ? fcp.startTime : -1, nav.loadEventEnd];
            }
            """);
        return new PageFigures((long)figures[0], (int)figures[1], figures[2], figures[3]);
    }
}
