using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace L402Train.Bounties.Tests.Http;

/// <summary><c>POST /bounties</c> runs the baseline eval in the sandbox before any funding invoice, and checks the score range.</summary>
public sealed class BountyCreationCheckTests(BountyApiInputTests.Host fixture) : IClassFixture<BountyApiInputTests.Host>
{
    private readonly BountyApiHost host = fixture.Api;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("python-l402-missing eval.py", "not found")]
    [InlineData("echo 7", "outside the bounty's declared range [0, 1]")]
    [InlineData("if [ -e /data/labels.tsv ]; then echo 0.5; else echo held-out set missing >&2; exit 4; fi", "held-out set missing")]
    public async Task A_bounty_whose_eval_cannot_score_its_baseline_is_refused_with_422_and_never_listed(string evalCommand, string error)
    {
        var title = "unrunnable " + Guid.NewGuid().ToString("N");

        using var response = await host.Http.PostAsJsonAsync("/bounties", host.BountyBody(b => { b["title"] = title; b["eval_command"] = evalCommand; }), Ct);

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(error, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("funding_invoice", out _));
        var listed = await host.Http.GetStringAsync("/bounties", Ct);
        Assert.DoesNotContain(title, listed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"metric": "log_loss"}""", "score_min and score_max are required for metric 'log_loss'")]
    [InlineData("""{"score_min": 0}""", "score_min and score_max go together")]
    [InlineData("""{"score_min": 1, "score_max": 0}""", "score_min must be less than score_max")]
    [InlineData("""{"score_min": 0, "score_max": 1e309}""", "")]
    public async Task A_missing_or_bad_score_range_is_a_400_naming_it(string patch, string detail)
    {
        var body = host.BountyBody();
        foreach (var property in JsonDocument.Parse(patch).RootElement.EnumerateObject()) body[property.Name] = property.Value;

        using var response = await host.Http.PostAsJsonAsync("/bounties", body, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declared_range_lets_a_metric_without_a_default_be_posted()
    {
        var created = await host.PostBountyAsync(host.BountyBody(b => { b["metric"] = "log_loss"; b["score_min"] = 0; b["score_max"] = 1; }));

        Assert.StartsWith("b-", created.GetProperty("id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_the_eval_script_as_a_target_is_warned_in_the_creation_response()
    {
        var plain = await host.PostBountyAsync();
        var risky = await host.PostBountyAsync(host.BountyBody(b => b["target_files"] = new[] { "classifier.conf", "eval.sh" }));

        Assert.Empty(plain.GetProperty("warnings").EnumerateArray());
        var warning = Assert.Single(risky.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.Contains("'eval.sh'", warning, StringComparison.Ordinal);
    }
}
