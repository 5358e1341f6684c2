using L402Train.Lightning;
using System.Globalization;
using System.Text.Json;
using L402Train.Grains.Payments;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace L402Train.Board.Tests;

/// <summary>The board in a real browser, after a real demo run: what it shows is what the grains hold.</summary>
public sealed class BoardBrowserTests(DemoBoardFixture demo) : IClassFixture<DemoBoardFixture>
{
    [Fact]
    public async Task The_overview_shows_every_round_and_the_loss_curve_has_one_point_per_aggregated_round()
    {
        ChromiumBrowser.ExecutableOrSkip();
        var page = await OpenAsync("/");

        // One table row per round: the demo's rounds and the next one, open.
        var rows = page.Locator("#rounds tbody tr");
        Assert.Equal(DemoBoardFixture.Rounds + 1, await rows.CountAsync());
        var reported = demo.Report.RootElement.GetProperty("rounds").EnumerateArray().ToList();
        for (var i = 0; i < reported.Count; i++)
        {
            var number = reported[i].GetProperty("round").GetInt32();
            var row = page.Locator($"#rounds tbody tr:has(td:first-child a[href='/board/rounds/{number}'])");
            var cells = await row.Locator("td").AllInnerTextsAsync();
            Assert.Equal("aggregated", cells[1]);
            Assert.Equal(reported[i].GetProperty("accepted").GetInt32().ToString(CultureInfo.InvariantCulture), cells[3]);
            Assert.Equal(reported[i].GetProperty("loss_after").GetDouble().ToString("0.0000", CultureInfo.InvariantCulture), cells[5]);
        }

        // The chart was drawn by uPlot (a canvas), with one point per aggregated round, holding the report's losses.
        await page.Locator("[data-chart='loss'] canvas").First.WaitForAsync();
        Assert.Equal(reported.Count.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("[data-chart='loss']", "data-points"));
        var drawn = await page.EvaluateAsync<double[]>("() => window.l402board.charts.loss.data[2]");
        Assert.Equal(reported.Select(r => Math.Round(r.GetProperty("loss_after").GetDouble(), 9)), drawn.Select(v => Math.Round(v, 9)));
        await page.ScreenshotAsync(new() { Path = Path.Combine(DemoBoardFixture.Artifacts, "overview.png"), FullPage = true });
    }

    [Fact]
    public async Task A_round_page_lists_each_submission_with_the_verdict_deposit_and_reward_the_api_reports()
    {
        ChromiumBrowser.ExecutableOrSkip();
        using var http = new HttpClient { BaseAddress = new Uri(demo.Url) };
        using var round = JsonDocument.Parse(await http.GetStringAsync("/rounds/1", TestContext.Current.CancellationToken));
        var submissions = round.RootElement.GetProperty("submissions").EnumerateArray().ToList();
        Assert.NotEmpty(submissions);

        var page = await OpenAsync("/board/rounds/1");
        Assert.Equal(submissions.Count, await page.Locator("#submissions tbody tr").CountAsync());
        foreach (var submission in submissions)
        {
            var cells = await page.Locator($"#submissions tbody tr:has(td:text-is('{submission.GetProperty("id").GetString()}'))").Locator("td").AllInnerTextsAsync();
            Assert.Equal(submission.GetProperty("peer_id").GetString(), cells[2]);
            Assert.Equal("accepted", cells[3]); // honest peers
            Assert.Equal("refunded", cells[6]);
            Assert.Equal($"{submission.GetProperty("reward_sats").GetInt64().ToString("N0", CultureInfo.InvariantCulture)} sat", cells[7]);
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(DemoBoardFixture.Artifacts, "round-1.png"), FullPage = true });
    }

    [Fact]
    public async Task The_bounty_pages_show_the_demo_bounty_its_leaderboard_and_best_score_over_time()
    {
        ChromiumBrowser.ExecutableOrSkip();
        var list = await OpenAsync("/board/bounties", demo.BountyUrl);
        Assert.True(await list.Locator("#bounties tbody tr").CountAsync() >= 1);
        var link = list.Locator("#bounties tbody tr td:first-child a").First;
        await link.ClickAsync();
        await list.WaitForURLAsync("**/board/bounties/b-*");
        var merged = await list.Locator("#leaderboard tbody tr").CountAsync();
        await list.Locator("[data-chart='best-score'] canvas").First.WaitForAsync();
        // The baseline, then one point per merged improvement.
        Assert.Equal((merged + 1).ToString(CultureInfo.InvariantCulture), await list.GetAttributeAsync("[data-chart='best-score']", "data-points"));
        await list.ScreenshotAsync(new() { Path = Path.Combine(DemoBoardFixture.Artifacts, "bounty.png"), FullPage = true });
        var peers = await OpenAsync("/board/peers");
        Assert.Equal(2, await peers.Locator("#peers tbody tr").CountAsync());
        await peers.ScreenshotAsync(new() { Path = Path.Combine(DemoBoardFixture.Artifacts, "peers.png"), FullPage = true });
    }

    [Fact]
    public async Task Without_javascript_every_table_still_reads()
    {
        ChromiumBrowser.ExecutableOrSkip();
        await using var context = await demo.Browser.NewContextAsync(new() { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        foreach (var (url, path, table) in new[] { (demo.Url, "/", "#rounds"), (demo.Url, "/board/rounds/1", "#submissions"), (demo.Url, "/board/peers", "#peers"),
            (demo.BountyUrl, "/board/bounties", "#bounties"), (demo.Url, "/board/workers", "#sold") })
        {
            var response = await page.GotoAsync(url.TrimEnd('/') + path);
            Assert.Equal(200, response!.Status);
            Assert.True(await page.Locator($"{table} tbody tr").CountAsync() > 0, $"{path}: {table} has no rows");
            Assert.Equal(0, await page.Locator("canvas").CountAsync());
        }
    }

    [Fact]
    public async Task Every_page_passes_axe_core_accessibility_checks()
    {
        ChromiumBrowser.ExecutableOrSkip();
        var axe = Path.Combine(NodeScript.PackagesDirectory, "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(axe))
        {
            if (PostgresDatabase.IsCi) Assert.Fail($"{axe} is missing: .ci/run runs npm ci --prefix tests/js.");
            Assert.Skip($"{axe} is missing: run `npm ci --prefix tests/js`.");
        }
        var bounty = await (await OpenAsync("/board/bounties", demo.BountyUrl)).Locator("#bounties tbody tr td:first-child a").First.GetAttributeAsync("href");
        foreach (var (url, path) in new[] { (demo.Url, "/"), (demo.Url, "/board/rounds/1"), (demo.Url, "/board/peers"), (demo.BountyUrl, "/board/bounties"), (demo.BountyUrl, bounty!), (demo.Url, "/board/workers") })
        {
            var page = await OpenAsync(path, url);
            // The page's own policy forbids foreign scripts: axe is injected through the devtools protocol, which CSP does not govern.
            await page.EvaluateAsync(await File.ReadAllTextAsync(axe, TestContext.Current.CancellationToken));
            var violations = await page.EvaluateAsync<JsonElement>("async () => (await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] })).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))");
            Assert.True(violations.GetArrayLength() == 0, $"{path}: {violations}");
        }
    }

    [Fact]
    public async Task The_overview_updates_live_when_the_ledger_moves()
    {
        ChromiumBrowser.ExecutableOrSkip();
        var page = await OpenAsync("/");
        var before = await page.Locator("#headline div:has(dt:text-is('Sats in')) dd").InnerTextAsync();
        var ledger = demo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey);
        var inSat = (await ledger.GetAsync()).TotalInSat;
        await ledger.PostAsync(new LedgerEntry(Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + new string('0', 32), InvoicePurpose.CheckpointFee, new Sats(21), Sats.Zero, null, DateTimeOffset.UnixEpoch));
        var expected = $"{(inSat + 21).ToString("N0", CultureInfo.InvariantCulture)} sat";
        // Waits for the page's own refresh (every few seconds) to bring the new total, without reloading.
        await page.Locator("#headline div:has(dt:text-is('Sats in')) dd", new() { HasTextString = expected }).WaitForAsync(new() { Timeout = 30_000 });
        Assert.NotEqual(before, expected);
        Assert.True(await page.EvaluateAsync<int>("() => window.l402board.refreshes") >= 1);
    }

    private async Task<IPage> OpenAsync(string path, string? baseUrl = null)
    {
        var page = await demo.Browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        var response = await page.GotoAsync((baseUrl ?? demo.Url).TrimEnd('/') + path);
        Assert.Equal(200, response!.Status);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.True(errors.Count == 0, string.Join("\n", errors)); // a CSP violation or a script error shows here
        return page;
    }
}
