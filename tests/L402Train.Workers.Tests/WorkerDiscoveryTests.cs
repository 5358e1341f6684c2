using System.Text.Json;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>The worker and index routes are in the OpenAPI document and the discovery files, with the experiment's L402 terms.</summary>
public sealed class WorkerDiscoveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_openapi_document_describes_the_worker_and_index_routes_with_the_hold_price()
    {
        await using var host = await WorkerHost.StartAsync(adjust: s => s with { Workers = s.Workers with { PriceSat = 64 } });
        using var document = JsonDocument.Parse(await host.Http.GetStringAsync("/api/openapi.json", Ct));
        var paths = document.RootElement.GetProperty("paths");

        var submit = paths.GetProperty("/experiment").GetProperty("post");
        var l402 = submit.GetProperty("x-l402");
        Assert.Equal(64, l402.GetProperty("price_sats").GetInt64());
        Assert.Equal("hold", l402.GetProperty("mode").GetString());
        Assert.Equal("experiment", l402.GetProperty("capability").GetString());
        Assert.True(submit.TryGetProperty("requestBody", out _));
        Assert.True(submit.GetProperty("responses").TryGetProperty("402", out _));
        Assert.True(submit.GetProperty("responses").TryGetProperty("202", out _));
        Assert.True(paths.GetProperty("/experiment/{id}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/.well-known/agent-registration.json").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/agents").GetProperty("post").TryGetProperty("requestBody", out _));
        Assert.True(paths.GetProperty("/api/v1/public/agents").TryGetProperty("get", out _));

        var llms = await host.Http.GetStringAsync("/llms.txt", Ct);
        Assert.Contains("/experiment", llms, StringComparison.Ordinal);
        Assert.Contains("/api/v1/public/agents", llms, StringComparison.Ordinal);
    }
}
