using System.Net;
using System.Text.Json.Nodes;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Inference;
using L402Train.Testing;
using Microsoft.AspNetCore.Http;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// The background refresh of <c>infer serve</c>: on a fake clock, providers whose history went stale
/// are probed again without paying, a request is served while a probe hangs, a dead provider drops
/// down the ranking, and disposing the refresher cancels the probe in flight.
/// </summary>
public sealed class ProviderRefresherTests() : AgentOnSilo("infer-refresh")
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Stale_providers_are_probed_again_on_the_clock_beside_a_request_and_a_dead_one_drops_down()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var history = new ProviderHistory(CachePath, clock);
        var dead = DeadUrl();
        var hungArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hung = await FakeProvider.StartAsync(async http =>
        {
            hungArrived.TrySetResult();
            await release.Task.WaitAsync(http.RequestAborted);
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }, Ct);
        await using var busy = await FakeProvider.StartAsync(http =>
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Task.CompletedTask;
        }, Ct);
        // Four hours ago the dead provider was the cheapest and the silo the dearest.
        await history.RecordSuccessAsync(dead, TimeSpan.FromMilliseconds(10), 50, Ct);
        await history.RecordSuccessAsync(hung.Url, TimeSpan.FromMilliseconds(10), 60, Ct);
        await history.RecordSuccessAsync(busy.Url, TimeSpan.FromMilliseconds(10), 70, Ct);
        await history.RecordSuccessAsync(Provider, TimeSpan.FromMilliseconds(40), 187.5, Ct);
        IReadOnlyList<Uri> providers = [new(dead), new(hung.Url), new(busy.Url), new(Provider)];
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probed = new TaskCompletionSource<ProviderRefreshRound>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Tells when the silo has answered its probe: the silo generates one completion at a time and answers an unpaid
        // request 429 while it does, so the request below must not meet the probe there.
        using var transport = new AnsweredSignal(Provider) { InnerHandler = new SocketsHttpHandler() };
        await using var refresher = new ProviderRefresher(providers, history, Interval, TimeSpan.FromSeconds(30), clock, transport, (round, _) =>
        {
            if (round.Probes.Count == 0) idle.TrySetResult();
            else probed.TrySetResult(round);
            return Task.CompletedTask;
        });

        refresher.Start();
        // The round at start finds every record fresh and probes nobody.
        await idle.Task.WaitAsync(Ct);
        Assert.Equal(0, hung.Calls);
        Assert.Equal([dead, hung.Url, busy.Url, Provider], ProviderRanking.Rank(providers.Select(p => p.AbsoluteUri), await history.ReadAsync(Ct)));

        // Past the time to live the next tick probes all four at once; the hung one holds its probe open.
        clock.Advance(ProviderHistory.DefaultTtl + Interval);
        await hungArrived.Task.WaitAsync(Ct);
        await transport.Answered.WaitAsync(Ct);

        // A request meanwhile is answered and paid: the round holds nothing a request needs.
        using (var router = new InferenceRouter(wallet!, new L402ClientOptions { Budget = new L402Budget(new Sats(1_000)) },
            new InferenceRouterOptions([new Uri(Provider)], TimeSpan.FromSeconds(30)), history, new ProvenanceLog(Path.Combine(work.FullName, "results.jsonl"), clock)))
        {
            var answer = await router.CompleteAsync(Chat(), null, Ct);
            Assert.Equal((HttpStatusCode.OK, Provider), (answer.Status, answer.Provider));
        }
        Assert.False(probed.Task.IsCompleted);

        release.TrySetResult();
        var round = await probed.Task.WaitAsync(Ct);

        Assert.Null(round.Error);
        Assert.Equal([(dead, false, false), (hung.Url, false, false), (busy.Url, false, true), (Provider, true, false)],
            round.Probes.Select(p => (p.Provider, p.Answered, p.Busy)));
        Assert.Equal("answered 503, not an L402 challenge", round.Probes[1].Error);
        Assert.Equal(187.5, round.Probes[3].SatPer1kTokens);
        // The dead and the hung provider failed their probe and now rank below the silo; the busy one is neither
        // failed nor measured (unmeasured counts healthy, its stale price forgotten). The probes paid nothing.
        var measured = await history.ReadAsync(Ct);
        Assert.False(measured.ContainsKey(busy.Url));
        Assert.Equal([Provider, busy.Url, dead, hung.Url], ProviderRanking.Rank(providers.Select(p => p.AbsoluteUri), measured));
        Assert.Equal(3, await SpentSatAsync());
    }

    [Fact]
    public async Task Disposing_the_refresher_cancels_a_probe_in_flight()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hung = await FakeProvider.StartAsync(async http =>
        {
            using var _ = http.RequestAborted.Register(() => aborted.TrySetResult());
            arrived.TrySetResult();
            await aborted.Task;
        }, Ct);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var rounds = 0;
        var refresher = new ProviderRefresher([new Uri(hung.Url)], new ProviderHistory(CachePath, clock), Interval, TimeSpan.FromSeconds(30), clock,
            onRound: (_, _) => { Interlocked.Increment(ref rounds); return Task.CompletedTask; });

        // Never measured: the round at start probes it, and the probe waits for an answer that does not come.
        refresher.Start();
        await arrived.Task.WaitAsync(Ct);
        await refresher.DisposeAsync();

        await aborted.Task.WaitAsync(Ct);
        Assert.Equal(0, rounds);
        Assert.Empty(await new ProviderHistory(CachePath, clock).ReadAsync(Ct));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("86401")]
    public async Task Serve_refuses_a_refresh_interval_out_of_range_naming_the_option(string seconds)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await new L402Train.PeerAgent.Commands.PeerAgentCommandLine().InvokeAsync(
            ["infer", "serve", "--port", "0", "--provider", Provider, "--refresh-interval-s", seconds], output, error);

        Assert.Equal(2, code);
        Assert.Equal("error: --refresh-interval-s must be between 0 (off) and 86400", error.ToString().Trim());
    }

    // Completes Answered once a response from the watched provider has come back.
    private sealed class AnsweredSignal(string watched) : DelegatingHandler
    {
        private readonly TaskCompletionSource answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Answered => answered.Task;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri!.AbsoluteUri.StartsWith(watched, StringComparison.Ordinal)) answered.TrySetResult();
            return response;
        }
    }

    private static JsonObject Chat() => new()
    {
        ["model"] = "l402train-gpt",
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "And God said" }),
        ["max_tokens"] = 16,
        ["temperature"] = 0,
    };
}
