using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using L402Train.PeerAgent.Inference;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// <c>discover</c> reads a directory that answers in 402index's shape (one <c>category</c> string per
/// service, <c>protocol</c>, <c>price_sats</c>, <c>http_method</c>, the index's health fields) beside
/// one in satring's shape (this silo's own directory), keeps only L402 services of the category, and
/// probes them without paying.
/// </summary>
public sealed class Index402DiscoveryTests() : AgentOnSilo("discover-402index")
{
    // Written down from 402index's API documentation (402index.io/api-docs, /api/v1/docs.md) and the
    // fields public clients of GET /api/v1/services read: id, name, description, url, protocol,
    // price_sats, price_usd, payment_asset, payment_network, category, provider, source, health_status,
    // probe_status, uptime_30d, latency_p50_ms, reliability_score, http_method, l402_format,
    // domain_verified, last_checked, registered_at. The list is the "services" array of the answer.
    private const string Document = """
        {"services":[
          {"id":"7c3e2a51-4b0d-4e8f-9a61-2f5d3c8b1e07","name":"L402Train inference","description":"Byte-level GPT completions, OpenAI-compatible",
           "url":"{provider}v1/chat/completions","protocol":"L402","price_sats":3,"price_usd":0.003,"payment_asset":"BTC","payment_network":"lightning",
           "category":"ai/inference","provider":"l402train","source":"self-registered","health_status":"healthy","probe_status":"unprobeable",
           "uptime_30d":99.2,"latency_p50_ms":180,"reliability_score":94,"http_method":"POST","l402_format":"v2_tlv","domain_verified":false,
           "last_checked":"2026-12-05 18:13:16","registered_at":"2026-12-01 09:00:00"},
          {"id":"0f8a9d3c-6e21-47b5-8c04-91a7e2d6b3f8","name":"An x402 chat API","description":"Paid in USDC on Base",
           "url":"https://x402.invalid/v1/chat/completions","protocol":"x402","price_sats":null,"price_usd":0.01,"payment_asset":"USDC","payment_network":"base",
           "category":"ai/inference","provider":"someone","source":"bazaar","health_status":"healthy","http_method":"POST"},
          {"id":"b4d1e6f2-3a97-4c58-9e0b-7f2c8a5d1e63","name":"BTC price","description":"Spot price",
           "url":"https://prices.invalid/api/btc","protocol":"L402","price_sats":1,"price_usd":0.001,"payment_asset":"BTC","payment_network":"lightning",
           "category":"crypto/prices","provider":"someone","source":"satring","health_status":"healthy","http_method":"GET"},
          {"id":"e2a7c9b5-8d14-4f3a-b6e0-5c1f9d7a2b48","name":"A dead inference service","description":"Listed, no longer answering",
           "url":"{dead}v1/chat/completions","protocol":"L402","price_sats":5,"price_usd":0.005,"payment_asset":"BTC","payment_network":"lightning",
           "category":"ai/inference/chat","provider":"gone","source":"l402apps","health_status":"down","uptime_30d":12.5,"latency_p50_ms":null,
           "reliability_score":8,"http_method":"POST","last_checked":"2026-12-05 17:40:02","registered_at":"2026-10-11 12:30:00"}
        ]}
        """;

    [Fact]
    public async Task A_402index_shaped_directory_is_read_by_its_shape_keeping_only_L402_services_of_the_category_and_probing_them_without_paying()
    {
        var dead = DeadUrl();
        var asked = new List<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var index = builder.Build();
        index.MapGet("/api/v1/services", (HttpContext http) =>
        {
            lock (asked) asked.Add(http.Request.QueryString.Value ?? "");
            return Results.Text(Document.Replace("{provider}", Provider, StringComparison.Ordinal).Replace("{dead}", dead, StringComparison.Ordinal), "application/json");
        });
        await index.StartAsync(Ct);
        var indexUrl = index.Urls.First() + "/";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var report = await DiscoveryClient.DiscoverAsync(http, [new Uri(indexUrl), new Uri(Provider)], [], "inference", null, Ct);

        // Asked with the category as a slug prefix and 402index's protocol filter.
        Assert.Equal("?category=ai%2Finference&protocol=L402", Assert.Single(asked.ToList()));
        Assert.Empty(report.Unreachable);
        // The x402 service and the one in crypto/prices are left out; the silo's own listing of the same URL is one service.
        Assert.Equal([(indexUrl, DirectoryShape.Index402, 2), (Provider, DirectoryShape.Satring, 1)],
            report.Directories.Select(d => (d.Source, d.Shape, d.Kept)));
        Assert.Equal(2, report.Services.Count);
        var live = report.Services[0];
        Assert.True(live.Reachable, live.Error);
        Assert.Equal((Provider + "v1/chat/completions", HttpMethod.Post, 3L, indexUrl), (live.Candidate.Url.AbsoluteUri, live.Candidate.Method, live.Candidate.ListedSat, live.Candidate.Source));
        Assert.Equal((3L, 3L, true, "inference"), (live.Offer!.AdvertisedSat, live.Offer.InvoiceSat, live.Offer.AmountMatches, live.Offer.Capabilities));
        var gone = report.Services[1];
        Assert.False(gone.Reachable);
        Assert.Equal((dead + "v1/chat/completions", 5L), (gone.Candidate.Url.AbsoluteUri, gone.Candidate.ListedSat));
        Assert.StartsWith("unreachable", gone.Error, StringComparison.Ordinal);

        // The command prints the same, and which shape each directory answered in.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new L402Train.PeerAgent.Commands.PeerAgentCommandLine().InvokeAsync(
            ["discover", "--directory", indexUrl, "--directory", Provider, "--providers-cache", CachePath], output, error);
        Assert.True(code == 0, output.ToString() + error.ToString());
        Assert.Contains($"directory {indexUrl}: 402index's shape, 2 service(s) in the category", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"directory {Provider}: satring's shape, 1 service(s) in the category", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await SpentSatAsync());
    }
}
