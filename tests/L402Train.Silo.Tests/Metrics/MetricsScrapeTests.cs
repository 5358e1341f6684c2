using System.Text.Json;
using System.Text.RegularExpressions;
using L402Train.Silo.Commands;
using Microsoft.Data.Sqlite;

namespace L402Train.Silo.Tests.Metrics;

/// <summary>
/// The project's meters are process-wide: this collection runs alone, so the demo's scrape counts
/// only what the demo did, not what tests running beside it did.
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>
/// After a short <c>silo demo</c> (a training round with an honest peer and a free-rider, then a
/// bounty with its agents) the coordinator's <c>/metrics</c> scrape holds the project's series with
/// the values the demo's report shows, Orleans', ASP.NET Core's and the runtime's series, and no
/// label that names a peer, a payment hash or a bounty.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed class MetricsScrapeTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-metrics-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_demo_scrape_counts_verdicts_deposits_rewards_and_rounds_as_the_report_does()
    {
        var (report, output) = await RunDemoAsync("training", "--profiles", "honest,honest,free-rider", "--rounds", "1", "--inner-steps", "2");
        var scrape = await ScrapeAsync("cluster");
        Assert.Matches(@"metrics_scrape_ms=[0-9.]+\nmetrics_scrape_bytes=[0-9]+\nmetrics_series=[0-9]+", output.Replace("\r", "", StringComparison.Ordinal));

        var round = report.GetProperty("rounds")[0];
        var submitted = round.GetProperty("submitted").GetInt32();
        Assert.Equal(3, submitted);
        Assert.Equal(round.GetProperty("accepted").GetInt32(), scrape.Sum("l402train_training_submissions_total", ("verdict", "accepted")));
        foreach (var rejected in round.GetProperty("rejected").EnumerateObject())
            Assert.Equal(rejected.Value.GetInt32(), scrape.Sum("l402train_training_submissions_total", ("verdict", rejected.Name)));
        Assert.Equal(submitted, scrape.Sum("l402train_training_submissions_total"));

        // Money: every deposit held, then refunded or forfeited once; the rewards the peers received.
        Assert.Equal(submitted, scrape.Sum("l402train_money_deposits_held_total", ("purpose", "gradient_deposit")));
        Assert.True(scrape.Sum("l402train_money_deposits_held_sats_total", ("purpose", "gradient_deposit")) > 0);
        var refunded = round.GetProperty("deposits_refunded").GetInt32();
        var forfeited = round.GetProperty("deposits_forfeited").GetInt32();
        Assert.Equal(submitted, refunded + forfeited);
        Assert.Equal(refunded, scrape.Sum("l402train_money_deposits_refunded_total", ("purpose", "gradient_deposit")));
        Assert.Equal(forfeited, scrape.Sum("l402train_money_deposits_forfeited_total", ("purpose", "gradient_deposit")));
        Assert.Equal(round.GetProperty("rewards_paid_sats").GetInt64(), scrape.Sum("l402train_money_rewards_paid_sats_total", ("purpose", "training_reward")));
        Assert.Equal(submitted, scrape.Sum("l402train_money_settle_duration_seconds_count", ("operation", "settle"))
            + scrape.Sum("l402train_money_settle_duration_seconds_count", ("operation", "cancel")));

        // The latest aggregated round, as gauges.
        Assert.Equal(1, scrape.Sum("l402train_training_round"));
        Assert.Equal(round.GetProperty("loss_before").GetDouble(), scrape.Sum("l402train_training_loss_before"), 6);
        Assert.Equal(round.GetProperty("loss_after").GetDouble(), scrape.Sum("l402train_training_loss_after"), 6);

        // L402: challenges for the checkpoint fee and the deposits, and a verification per paid request.
        Assert.True(scrape.Sum("l402train_l402_challenges_issued_total", ("mode", "hold")) >= submitted);
        Assert.True(scrape.Sum("l402train_l402_verification_duration_seconds_count", ("mode", "hold"), ("outcome", "accepted")) >= submitted);

        // Jobs: each validation ran to completion here; the next round's close is queued for its deadline.
        Assert.Equal(submitted, scrape.Sum("l402train_jobs_processed_total", ("type", "submission.validate"), ("outcome", "completed")));
        Assert.NotEmpty(scrape.Series("l402train_jobs_queued"));

        AssertPlatformSeriesAndBoundedLabels(scrape);
    }

    [Fact]
    public async Task A_bounty_demo_scrape_counts_verdicts_sandbox_runs_and_deposits_as_the_report_does()
    {
        var (report, _) = await RunDemoAsync("bounties", "--bounty-agents", "1", "--bounty-iterations", "10");
        var scrape = await ScrapeAsync(Path.Combine("cluster", "bounties"));

        var bounty = report.GetProperty("bounties")[0];
        var accepted = bounty.GetProperty("accepted").GetInt32();
        var rejected = bounty.GetProperty("rejected").EnumerateObject().ToList();
        Assert.Equal(accepted, scrape.Sum("l402train_bounties_submissions_total", ("verdict", "accepted")));
        // The report's reason codes add the rule after a colon (diff_rejected:path_traversal); the label keeps the verdict only.
        foreach (var reason in rejected.GroupBy(r => r.Name.Split(':')[0]))
            Assert.Equal(reason.Sum(r => r.Value.GetInt32()), scrape.Sum("l402train_bounties_submissions_total", ("verdict", reason.Key)));
        Assert.Equal(accepted + rejected.Sum(r => r.Value.GetInt32()), scrape.Sum("l402train_bounties_submissions_total"));

        var agents = bounty.GetProperty("agents").EnumerateArray().ToList();
        Assert.Equal(agents.Count(a => a.GetProperty("deposit").GetString() == "refunded"), scrape.Sum("l402train_money_deposits_refunded_total", ("purpose", "bounty_deposit")));
        Assert.Equal(agents.Count(a => a.GetProperty("deposit").GetString() == "forfeited"), scrape.Sum("l402train_money_deposits_forfeited_total", ("purpose", "bounty_deposit")));
        Assert.Equal(agents.Count(a => a.GetProperty("deposit").GetString() is "refunded" or "forfeited"), scrape.Sum("l402train_money_deposits_held_total", ("purpose", "bounty_deposit")));
        Assert.Equal(bounty.GetProperty("paid_sats").GetInt64(), scrape.Sum("l402train_money_rewards_paid_sats_total", ("purpose", "bounty_payout")));

        // The baseline check and every submission that applied ran in the sandbox; honest runs print a score.
        Assert.True(scrape.Sum("l402train_sandbox_evaluations_total", ("outcome", "scored")) >= 2 * (accepted + 1));
        Assert.Equal(scrape.Sum("l402train_sandbox_evaluations_total"), scrape.Sum("l402train_sandbox_evaluation_duration_seconds_count"));

        AssertPlatformSeriesAndBoundedLabels(scrape, bounty.GetProperty("id").GetString()!);
    }

    // Orleans', ASP.NET Core's and the runtime's meters are exported too; no label value identifies a peer, a payment or a bounty.
    private static void AssertPlatformSeriesAndBoundedLabels(PrometheusText scrape, params string[] forbidden)
    {
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("process_runtime_dotnet_", StringComparison.Ordinal) || s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
        var values = scrape.Samples.SelectMany(s => s.Labels.Values).Distinct().ToList();
        Assert.DoesNotContain(values, v => Regex.IsMatch(v, "[0-9a-fA-F]{16,}"));
        Assert.DoesNotContain(values, v => Regex.IsMatch(v, @"^peer\d+-") || v is "honest-1" or "gamer" or "attacker" or "copier" or "sponsor");
        foreach (var id in forbidden) Assert.DoesNotContain(values, v => v.Contains(id, StringComparison.Ordinal));
    }

    private async Task<(JsonElement Report, string Output)> RunDemoAsync(string track, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var report = Path.Combine(dir.FullName, "report.json");
        var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName).InvokeAsync(
            ["demo", "--track", track, .. args, "--data-dir", Path.Combine(dir.FullName, "cluster"), "--report", report], output, error, Ct);
        Assert.True(code == 0, output.ToString() + error);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, Ct));
        return (json.RootElement.Clone(), output.ToString());
    }

    private async Task<PrometheusText> ScrapeAsync(string folder) =>
        PrometheusText.Parse(await File.ReadAllTextAsync(Path.Combine(dir.FullName, folder, "metrics.prom"), Ct));
}
