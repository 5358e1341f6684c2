using L402Train.PeerAgent.Inference;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// <c>peer-agent discover</c> against a real silo serving both a directory (<c>/api/v1/services</c>)
/// and a coordinator's <c>/.well-known/ai.json</c>: the inference service is found once, probed
/// without paying, joined with the router's history, and a dead source is reported beside it.
/// </summary>
public sealed class DiscoveryTests() : AgentOnSilo("discover")
{
    [Fact]
    public async Task Discover_over_the_silo_as_directory_and_coordinator_finds_the_inference_service_once_probes_it_with_its_history_and_pays_nothing()
    {
        // The router keys history by the provider's base URL; discovery must find it from the chat URL.
        var history = new ProviderHistory(CachePath, TimeProvider.System);
        await history.RecordSuccessAsync(Provider, TimeSpan.FromMilliseconds(42), 187.5, Ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var report = await DiscoveryClient.DiscoverAsync(http, [new Uri(Provider)], [new Uri(Provider)], "inference", history, Ct);

        Assert.Empty(report.Unreachable);
        var service = Assert.Single(report.Services);
        Assert.True(service.Reachable, service.Error);
        Assert.Equal((Provider + "v1/chat/completions", HttpMethod.Post), (service.Candidate.Url.AbsoluteUri, service.Candidate.Method));
        var direct = await L402Probe.ProbeAsync(http, new Uri(Provider + "v1/chat/completions"), HttpMethod.Post, L402Probe.ChatProbeBody, Ct);
        Assert.Equal((402, direct.AdvertisedSat, direct.InvoiceSat, true, "standard", "inference"),
            (service.Offer!.Status, service.Offer.AdvertisedSat, service.Offer.InvoiceSat, service.Offer.AmountMatches, service.Offer.Mode, service.Offer.Capabilities));
        Assert.Equal(3, service.Offer.AdvertisedSat);
        Assert.Equal((1, 42.0), (service.History!.Successes, service.History.LatencyP50Ms));
        Assert.Equal(0, await SpentSatAsync());
    }

    [Fact]
    public async Task An_unreachable_directory_is_reported_and_the_others_are_still_discovered_and_printed()
    {
        var dead = DeadUrl();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var report = await DiscoveryClient.DiscoverAsync(http, [new Uri(dead), new Uri(Provider)], [], "ai/inference", null, Ct);

        Assert.Equal(dead, Assert.Single(report.Unreachable).Source);
        Assert.True(Assert.Single(report.Services).Reachable);

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new L402Train.PeerAgent.Commands.PeerAgentCommandLine().InvokeAsync(
            ["discover", "--directory", dead, "--directory", Provider, "--coordinator", Provider, "--providers-cache", CachePath], output, error);

        Assert.True(code == 0, output.ToString() + error.ToString());
        Assert.Empty(error.ToString());
        Assert.Contains("unreachable", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("yes", output.ToString(), StringComparison.Ordinal);

        // Only dead sources: nothing to use is exit 1, still a report and not a crash.
        using var none = new StringWriter();
        Assert.Equal(1, await new L402Train.PeerAgent.Commands.PeerAgentCommandLine().InvokeAsync(["discover", "--directory", dead], none, error));
        Assert.Contains("unreachable", none.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await SpentSatAsync());
    }
}
