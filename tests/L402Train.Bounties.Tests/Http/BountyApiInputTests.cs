using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using L402Train.Lightning;
using Xunit;

namespace L402Train.Bounties.Tests.Http;

/// <summary>Whatever a client sends, the bounty API answers a 4xx problem naming it, never a 500.</summary>
public sealed class BountyApiInputTests(BountyApiInputTests.Host fixture) : IClassFixture<BountyApiInputTests.Host>
{
    private const string Unknown = "b-0000000000000000";
    private readonly BountyApiHost host = fixture.Api;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One silo for the whole class: every case here only reads, or posts bounties of its own.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public BountyApiHost Api { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Api = await BountyApiHost.StartAsync();

        public async ValueTask DisposeAsync() => await Api.DisposeAsync();
    }

    public static TheoryData<string, string> BadBounties => new()
    {
        { "title", """{"title": null}""" },
        { "direction", """{"direction": "sideways"}""" },
        { "direction", """{"direction": 7}""" },
        { "deadline", """{"deadline": "9999-12-31T00:00:00Z"}""" },
        { "target_files", """{"target_files": []}""" },
        { "total_sats", """{"total_sats": 0}""" },
        { "deadline", """{"deadline": "2001-01-01T00:00:00Z"}""" },
        { "rate_sats_per_unit", """{"rate_sats_per_unit": -5}""" },
        { "min_improvement", """{"min_improvement": -0.1}""" },
        { "repeats", """{"repeats": 0}""" },
        { "eval_timeout_s", """{"eval_timeout_s": 100000}""" },
        { "eval_memory_mb", """{"eval_memory_mb": 1}""" },
        { "max_diff_bytes", """{"max_diff_bytes": 0}""" },
        { "baseline_tarball", """{"baseline_tarball": "***not base64***"}""" },
        { "baseline_tarball", """{"baseline_tarball": "aGVsbG8gd29ybGQ="}""" },
        { "held_out_tarball", """{"held_out_tarball": null}""" },
        { "held_out_hash", """{"held_out_hash": "not-hex"}""" },
        { "target_improvement", """{"target_improvement": 7}""" },
        { "noise_reruns", """{"noise_reruns": 2}""" },
        { "noise_reruns", """{"noise_reruns": 11}""" },
        { "holdback_pct", """{"holdback_pct": -1}""" },
        { "holdback_pct", """{"holdback_pct": 101}""" },
        { "holdback_delay_s", """{"holdback_delay_s": 5}""" },
        { "holdback_delay_s", """{"holdback_delay_s": 99999999}""" },
        { "holdback_tarball", """{"holdback_tarball": "***not base64***"}""" },
        { "leader_threshold_rise", """{"leader_threshold_rise": -0.5}""" },
        { "leader_threshold_rise", """{"leader_threshold_rise": 1000}""" },
        { "leader_threshold_decay", """{"leader_threshold_decay": 0}""" },
        { "leader_threshold_decay", """{"leader_threshold_decay": 1.01}""" },
        { "leader_threshold_period_s", """{"leader_threshold_period_s": 59}""" },
    };

    [Fact]
    public async Task A_held_out_tarball_that_does_not_hash_to_the_published_held_out_hash_is_a_422_naming_it()
    {
        var body = host.BountyBody(b => b["held_out_hash"] = new string('a', 64));

        using var response = await host.Http.PostAsJsonAsync("/bounties", body, Ct);

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.StartsWith("held_out_hash", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadBounties))]
    public async Task A_bad_bounty_field_is_a_400_naming_it(string field, string patch)
    {
        var body = host.BountyBody();
        foreach (var property in JsonDocument.Parse(patch).RootElement.EnumerateObject()) body[property.Name] = property.Value;

        using var response = await host.Http.PostAsJsonAsync("/bounties", body, Ct);

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("")]
    public async Task A_body_that_is_not_a_bounty_object_is_a_400(string body)
    {
        using var response = await host.Http.PostAsync("/bounties", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/bounties?status=open", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/bounty/nope", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/bounty/" + Unknown, HttpStatusCode.NotFound)]
    [InlineData("GET", "/bounty/" + Unknown + "/leaderboard", HttpStatusCode.NotFound)]
    [InlineData("GET", "/bounty/" + Unknown + "/heldout", HttpStatusCode.NotFound)]
    [InlineData("GET", "/bounty/" + Unknown + "/submissions", HttpStatusCode.NotFound)]
    [InlineData("POST", "/bounty/" + Unknown + "/commit", HttpStatusCode.NotFound)]
    [InlineData("POST", "/bounty/" + Unknown + "/submit", HttpStatusCode.NotFound)]
    [InlineData("POST", "/bounty/" + Unknown + "/cancel", HttpStatusCode.NotFound)]
    public async Task Unknown_or_malformed_bounty_ids_are_4xx_before_any_payment(string method, string path, HttpStatusCode expected)
    {
        using var response = await host.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") }, Ct);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Requests_on_an_existing_bounty_with_bad_input_are_4xx()
    {
        var created = await host.PostBountyAsync();
        var id = created.GetProperty("id").GetString()!;
        var sid = new string('0', 64);

        Assert.Equal(HttpStatusCode.Conflict, await StatusOf(HttpMethod.Post, $"/bounty/{id}/submit", "{}"));
        Assert.Equal(HttpStatusCode.Conflict, await StatusOf(HttpMethod.Get, $"/bounty/{id}/heldout"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusOf(HttpMethod.Post, $"/bounty/{id}/commit", """{"commitment": "abc"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusOf(HttpMethod.Post, $"/bounty/{id}/commit", "not json"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusOf(HttpMethod.Get, $"/bounty/{id}/submissions/xyz"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusOf(HttpMethod.Get, $"/bounty/{id}/submissions/{sid}?wait=-1"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOf(HttpMethod.Get, $"/bounty/{id}/submissions/{sid}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOf(HttpMethod.Post, $"/bounty/{id}/submissions/{sid}/claim", """{"invoice": "lnbc1"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(HttpMethod.Post, $"/bounty/{id}/cancel", "{}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(HttpMethod.Get, $"/bounty/{id}/submissions", authorization: "Bearer bm90IGEgbWFjYXJvb24="));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(HttpMethod.Get, $"/bounty/{id}/submissions", authorization: "Bearer %%%"));
        var sponsor = "Bearer " + created.GetProperty("sponsor_macaroon").GetString();
        Assert.Equal(HttpStatusCode.Conflict, await StatusOf(HttpMethod.Post, $"/bounty/{id}/cancel", "{}", sponsor));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusOf(HttpMethod.Post, $"/bounty/{id}/cancel", """{"invoice": "lnbc1garbage"}""", sponsor));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(HttpMethod.Get, $"/bounty/{id}/submissions", authorization: sponsor));
        var other = (await host.PostBountyAsync()).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(HttpMethod.Get, $"/bounty/{other}/submissions", authorization: sponsor));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(HttpMethod.Post, $"/bounty/{other}/cancel", "{}", sponsor));
    }

    [Fact]
    public async Task A_malformed_submission_behind_a_paid_deposit_is_a_400_and_its_deposit_is_refunded()
    {
        var sponsor = host.Network.CreateFundedNode("sponsor", new Sats(1_000_000));
        var agent = host.Network.CreateFundedNode("agent", new Sats(100_000));
        var created = await host.PostBountyAsync();
        var id = created.GetProperty("id").GetString()!;
        await sponsor.PayAsync(new PaymentRequest(created.GetProperty("funding_invoice").GetString()!, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct);
        await host.PollAsync($"/bounties?status=active", j => j.EnumerateArray().Any(b => b.GetProperty("id").GetString() == id));
        using (var malformed = await host.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/bounty/{id}/submit")
        {
            Content = new StringContent("{}"),
            Headers = { { "Authorization", "L402 not-a-macaroon:zz" } },
        }, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var (response, credential) = await host.PaidAsync(() => BountyApiHost.Json(HttpMethod.Post, $"/bounty/{id}/submit", new { base_version = 0 }), agent);

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("diff", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var macaroon = L402.Macaroons.Macaroon.FromBase64(credential["L402 ".Length..^1]);
        Assert.True(L402.Tokens.TokenIdentifier.TryDecode(macaroon.Identifier.Span, out var identifier, out _));
        var hash = identifier!.PaymentHash;
        var sid = hash.ToHex();
        var view = await host.PollAsync($"/bounty/{id}/submissions/{sid}", j => j.GetProperty("deposit_final").GetBoolean());
        Assert.Equal("refused", view.GetProperty("reason").GetString());
        Assert.Equal("refunded", view.GetProperty("deposit").GetString());
        Assert.Equal(InvoiceState.Canceled, (await host.Network.Coordinator.LookupInvoiceAsync(hash, Ct))!.State);
    }

    private async Task<HttpStatusCode> StatusOf(HttpMethod method, string path, string? body = null, string? authorization = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await host.Http.SendAsync(request, Ct);
        return response.StatusCode;
    }
}
