using L402Train.Lightning;
using System.Net;
using L402Train.Bounties.Improvers;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Board.Tests;

/// <summary>The board's pages and assets over plain HTTP, and hostile text in a real browser.</summary>
public sealed class BoardHttpTests
{
    [Fact]
    public async Task Pages_carry_a_strict_content_security_policy_and_unknown_rounds_and_bounties_are_404_pages()
    {
        await using var silo = await EmbeddedSilo.StartAsync("board-http", cancellationToken: TestContext.Current.CancellationToken);

        using var overview = await silo.Http.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Equal("text/html", overview.Content.Headers.ContentType!.MediaType);
        Assert.Contains("script-src 'self'", overview.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("<h1>Overview</h1>", await overview.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        foreach (var path in new[] { "/board/rounds/999", "/board/rounds/0", "/board/bounties/b-0123456789abcdef", "/board/bounties/%3Cscript%3E", "/board/assets/nope.js" })
        {
            using var missing = await silo.Http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(missing.StatusCode == HttpStatusCode.NotFound, $"{path}: {missing.StatusCode}");
        }
    }

    [Fact]
    public async Task The_workers_page_shows_the_inference_price_the_silo_runs_with_and_its_paid_completions()
    {
        await using var silo = await EmbeddedSilo.StartAsync("board-inference", s => s with { Inference = s.Inference with { BaseSat = 7, MsatPerToken = 250 } },
            TestContext.Current.CancellationToken);
        // The encoder writes some characters (+) as entities: compare the text a browser shows.
        var page = WebUtility.HtmlDecode(await silo.Http.GetStringAsync("/board/workers", TestContext.Current.CancellationToken));
        Assert.Contains("7 sat + 250 msat per max_tokens", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Paid completions</dt><dd>0</dd>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assets_are_served_with_a_content_hash_and_a_repeat_request_is_304()
    {
        await using var silo = await EmbeddedSilo.StartAsync("board-assets", cancellationToken: TestContext.Current.CancellationToken);
        var page = await silo.Http.GetStringAsync("/", TestContext.Current.CancellationToken);
        var script = System.Text.RegularExpressions.Regex.Match(page, "src=\"(/board/assets/board\\.js\\?v=[0-9a-f]{16})\"").Groups[1].Value;
        Assert.NotEqual("", script);

        using var first = await silo.Http.GetAsync(script, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/javascript", first.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", first.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        using var again = new HttpRequestMessage(HttpMethod.Get, script);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await silo.Http.SendAsync(again, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);

        // uPlot ships with its licence.
        using var licence = await silo.Http.GetAsync("/board/assets/vendor/uplot/LICENSE", TestContext.Current.CancellationToken);
        Assert.Contains("Leon Sorokin", await licence.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hostile_bounty_title_is_shown_as_text_and_never_runs()
    {
        ChromiumBrowser.ExecutableOrSkip();
        await using var silo = await EmbeddedSilo.StartAsync("board-hostile", cancellationToken: TestContext.Current.CancellationToken);
        const string title = "<img src=x onerror=\"window.pwned=1\"></script><script>window.pwned=2</script>";
        const string id = "b-00000000000000aa";
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var terms = new BountyTerms(title, "\"><svg onload=window.pwned=3>", "accuracy", MetricDirection.Maximize, "./eval.sh", ["*.conf"], [], 10_000, new Sats(1_000),
            DateTimeOffset.UtcNow.AddDays(1), 100, 0.01, 30, 256, 1);
        await grains.GetGrain<IBountyGrain>(id).CreateAsync(new NewBounty(terms, "base", "held", new string('e', 64), PaymentHash.FromHex(new string('f', 64)), "lnbcrt1", TimeProvider.System.GetUtcNow().AddHours(1), 5));
        await grains.GetGrain<IBountyIndexGrain>(BountyIndexGrain.AllKey).AddAsync(id);

        var (playwright, browser) = await ChromiumBrowser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var page = await browser.NewPageAsync();
            var dialogs = 0;
            page.Dialog += (_, _) => dialogs++;
            foreach (var path in new[] { "/board/bounties", $"/board/bounties/{id}" })
            {
                await page.GotoAsync(silo.Url.TrimEnd('/') + path);
                await page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);
                Assert.Equal(0, await page.Locator("main img, main svg, main script").CountAsync());
                Assert.Null(await page.EvaluateAsync<int?>("() => window.pwned ?? null"));
            }
            Assert.Equal(title, await page.Locator("h1").InnerTextAsync());
            Assert.Equal(0, dialogs);
        }
    }
}
