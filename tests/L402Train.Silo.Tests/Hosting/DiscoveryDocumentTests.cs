using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using L402Train.Gateway.Apis;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Training;
using L402Train.L402.Gate;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>The discovery documents of the seed's discovery prompt, read from a running silo and checked against its configuration and routes.</summary>
public sealed class DiscoveryDocumentTests : IAsyncLifetime
{
    private EmbeddedSilo? silo;
    private WebApplication? app;
    private HttpClient? http;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Gateway and settler only: the discovery documents describe what this configuration serves.
    public async ValueTask InitializeAsync()
    {
        silo = await EmbeddedSilo.StartAsync("discovery",
            s => s with { Roles = new HashSet<string>(["gateway", "settler"], StringComparer.OrdinalIgnoreCase), SiloId = "silo-discovery" }, Ct);
        (app, http) = (silo.App, silo.Http);
    }

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
    }

    [Fact]
    public async Task Status_json_names_the_coordinator_its_phases_and_each_tracks_prices_from_the_running_configuration()
    {
        using var status = JsonDocument.Parse(await http!.GetStringAsync("/status.json", Ct));
        var root = status.RootElement;
        var schedule = app!.Services.GetRequiredService<RewardSchedule>();
        var rules = app.Services.GetRequiredService<BountyRules>();

        var coordinator = root.GetProperty("coordinator");
        Assert.Equal("online", coordinator.GetProperty("status").GetString());
        Assert.Equal(http.BaseAddress!.ToString().TrimEnd('/'), coordinator.GetProperty("url").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", coordinator.GetProperty("version").GetString());
        Assert.Equal(["gateway", "settler"], coordinator.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("code_repository").ValueKind);
        Assert.All(root.GetProperty("phases").EnumerateArray(), p => Assert.Equal("live", p.GetProperty("status").GetString()));
        var training = root.GetProperty("tracks").GetProperty("training");
        Assert.Equal(schedule.CheckpointPriceSat, training.GetProperty("price_sats").GetInt64());
        Assert.Equal(schedule.DepositSat, training.GetProperty("deposit_sats").GetInt64());
        Assert.Equal(1, training.GetProperty("round").GetInt32());
        var bounties = root.GetProperty("tracks").GetProperty("bounties");
        Assert.Equal(rules.AccessPriceSat, bounties.GetProperty("price_sats").GetInt64());
        Assert.Equal(rules.DepositSat, bounties.GetProperty("deposit_sats").GetInt64());
        Assert.Equal(0, bounties.GetProperty("active").GetInt32());
    }

    [Fact]
    public async Task Ai_json_llms_txt_and_the_sitemap_list_the_served_operations_with_the_configured_prices()
    {
        var rules = app!.Services.GetRequiredService<BountyRules>();
        using var ai = JsonDocument.Parse(await http!.GetStringAsync("/.well-known/ai.json", Ct));
        var endpoints = ai.RootElement.GetProperty("endpoints").EnumerateArray().ToList();

        var download = Assert.Single(endpoints, e => e.GetProperty("method").GetString() == "GET" && e.GetProperty("path").GetString() == "/bounty/{id}");
        Assert.Equal(rules.AccessPriceSat, download.GetProperty("price_sats").GetInt64());
        Assert.Equal("standard", download.GetProperty("mode").GetString());
        var submit = Assert.Single(endpoints, e => e.GetProperty("method").GetString() == "POST" && e.GetProperty("path").GetString() == "/bounty/{id}/submit");
        Assert.Equal(rules.DepositSat, submit.GetProperty("price_sats").GetInt64());
        Assert.Equal("hold", submit.GetProperty("mode").GetString());
        Assert.Contains("l402", ai.RootElement.GetProperty("payment_methods").EnumerateArray().Select(m => m.GetString()));

        var llms = await http.GetStringAsync("/llms.txt", Ct);
        Assert.Contains($"`GET /bounty/{{id}}` (L402 standard, {rules.AccessPriceSat} sats", llms, StringComparison.Ordinal);
        Assert.Contains($"`POST /bounty/{{id}}/submit` (L402 hold, {rules.DepositSat} sats", llms, StringComparison.Ordinal);
        var full = await http.GetStringAsync("/llms-full.txt", Ct);
        Assert.StartsWith(llms, full, StringComparison.Ordinal);
        Assert.Contains("## How paying works (L402)", full, StringComparison.Ordinal);

        var sitemap = XDocument.Parse(await http.GetStringAsync("/sitemap.xml", Ct));
        var pages = sitemap.Descendants(XName.Get("loc", "http://www.sitemaps.org/schemas/sitemap/0.9")).Select(l => new Uri(l.Value).AbsolutePath).ToList();
        Assert.Contains("/status.json", pages);
        foreach (var page in pages)
        {
            using var response = await http.GetAsync(page, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page} in the sitemap answers {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_openapi_document_lists_every_mapped_route_with_its_request_body_statuses_and_l402_terms()
    {
        using var document = JsonDocument.Parse(await http!.GetStringAsync("/api/openapi.json", Ct));
        Assert.StartsWith("3.1", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.RootElement.GetProperty("paths");
        var checkedOperations = 0;

        foreach (var endpoint in app!.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods || endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
                continue;
            var path = ApiCatalog.PathOf(endpoint.RoutePattern.RawText!);
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is mapped but missing from the OpenAPI document");
            foreach (var method in methods.HttpMethods)
            {
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {path} is mapped but missing from the OpenAPI document");
                var responses = operation.GetProperty("responses");
                if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is not null || endpoint.Metadata.GetMetadata<RequestBodyMetadata>() is not null)
                    Assert.True(operation.TryGetProperty("requestBody", out _), $"{method} {path} reads a body the document does not describe");
                foreach (var produces in endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>())
                    Assert.True(responses.TryGetProperty(produces.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out _), $"{method} {path} answers {produces.StatusCode}, undocumented");
                Assert.Equal("live", operation.GetProperty("x-status").GetString());
                if (endpoint.Metadata.GetMetadata<L402Requirement>() is { } requirement)
                {
                    var l402 = operation.GetProperty("x-l402");
                    // A price computed from the request (inference: per max_tokens) has no single figure: null on both sides.
                    var price = l402.GetProperty("price_sats");
                    Assert.Equal(ApiCatalog.PriceOf(requirement, app.Services), price.ValueKind == JsonValueKind.Null ? null : price.GetInt64());
                    Assert.Equal(ApiCatalog.ModeOf(requirement), l402.GetProperty("mode").GetString());
                    Assert.Equal(requirement.Capability, l402.GetProperty("capability").GetString());
                    Assert.True(responses.TryGetProperty("402", out _), $"{method} {path} is paid but documents no 402");
                }
                checkedOperations++;
            }
        }
        Assert.True(checkedOperations > 20, $"only {checkedOperations} operations were compared");
    }

    [Fact]
    public async Task Every_amount_the_contract_names_ends_in_sats()
    {
        using var document = JsonDocument.Parse(await http!.GetStringAsync("/api/openapi.json", Ct));
        using var schedule = JsonDocument.Parse(await http.GetStringAsync("/reward-schedule", Ct));
        var names = new List<string>();
        void Collect(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Array) { foreach (var item in element.EnumerateArray()) Collect(item); }
            if (element.ValueKind != JsonValueKind.Object) return;
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "properties" && property.Value.ValueKind == JsonValueKind.Object) names.AddRange(property.Value.EnumerateObject().Select(p => p.Name));
                Collect(property.Value);
            }
        }
        Collect(document.RootElement);
        names.AddRange(schedule.RootElement.EnumerateObject().Select(p => p.Name));

        Assert.Contains("total_sats", names);
        Assert.Contains("deposit_sats", names);
        Assert.Empty(names.Where(n => System.Text.RegularExpressions.Regex.IsMatch(n, "(^|_)sat($|_)")).Distinct());
    }

    [Fact]
    public async Task The_openapi_yaml_passes_an_openapi_3_1_schema_validator_from_npm()
    {
        var yaml = await http!.GetStringAsync("/api/openapi.yaml", Ct);

        var output = await L402Train.Testing.NodeScript.RunAsync("""
            const fs = require('fs');
            (async () => {
              const { Validator } = await import('@seriousme/openapi-schema-validator');
              const validator = new Validator();
              const result = await validator.validate(fs.readFileSync(0, 'utf8'));
              console.log(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null }));
            })().catch(e => { console.error(e); process.exit(1); });
            """, yaml);

        using var result = JsonDocument.Parse(output);
        Assert.True(result.RootElement.GetProperty("valid").GetBoolean(), output);
        Assert.Equal("3.1", result.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task The_openapi_yaml_is_openapi_3_1_with_the_same_paths_as_the_json()
    {
        using var json = JsonDocument.Parse(await http!.GetStringAsync("/api/openapi.json", Ct));
        var yaml = await http.GetStringAsync("/api/openapi.yaml", Ct);

        Assert.StartsWith("openapi: '3.1", yaml.TrimStart(), StringComparison.Ordinal);
        foreach (var path in json.RootElement.GetProperty("paths").EnumerateObject())
            Assert.Matches($"\n  '?{System.Text.RegularExpressions.Regex.Escape(path.Name)}'?:\n", yaml);
    }
}
