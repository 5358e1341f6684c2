using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using L402Train.Lightning.Simnet;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Commands;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace L402Train.Bounties.Tests.Agent;

/// <summary><c>peer-agent bounty …</c> against the real silo app, its wallet a simnet node behind the LND facade.</summary>
public sealed class BountyCliTests : IAsyncLifetime
{
    // The agent's own files (trees, diffs, results), apart from the silo's data directory.
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402train-bounty-cli-");
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimnetNetwork Network => silo!.Network;

    private string url => silo!.Url;

    private string Results => Path.Combine(dir.FullName, "results.jsonl");

    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("bounty-cli", cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Show_pays_the_price_unpacks_the_tree_and_logs_the_payment()
    {
        var id = await FundedBountyAsync();
        var node = Network.CreateFundedNode("alice", new Sats(100_000));
        var before = await node.GetBalanceAsync(Ct);
        var outDir = Path.Combine(dir.FullName, "tree");

        var list = await Run("bounty", "list", "--coordinator", url, "--status", "active");
        var show = await Run(["bounty", "show", id, .. Wallet("alice", node), "--out", outDir]);

        Assert.True(list.Code == 0, list.Error);
        Assert.Contains(id, list.Output, StringComparison.Ordinal);
        Assert.True(show.Code == 0, show.Error + show.Output);
        Assert.Contains("Spam filter accuracy", show.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, ShippedBounty.ConfigPath)));
        Assert.True(File.Exists(Path.Combine(outDir, "public", ShippedBounty.MessagesFile)));
        var paid = (before.Local - (await node.GetBalanceAsync(Ct)).Local).ToSatsFloor().Value;
        var line = Assert.Single(ProvenanceLog.Read(Results));
        Assert.Equal(("baseline", id, paid), (line.Action, line.Bounty, line.Sats));
        Assert.True(paid > 0);
        Assert.True(PaymentHash.FromHex(line.PaymentHash!).Matches(Preimage.FromHex(line.Preimage!)));
    }

    [Fact]
    public async Task Run_climbs_commits_submits_is_paid_once_and_starts_the_next_round_from_the_new_best()
    {
        var id = await FundedBountyAsync();
        var node = Network.CreateFundedNode("bob", new Sats(100_000));
        var before = await node.GetBalanceAsync(Ct);

        var run = await Run(["bounty", "run", id, .. Wallet("bob", node), "--iterations", "30", "--seed", "3", "--rounds", "2", "--sandbox", "on", "--work-dir", dir.FullName]);
        var board = await Run("bounty", "leaderboard", id, "--coordinator", url);

        Assert.True(run.Code == 0, run.Error + run.Output);
        Assert.Contains("accepted", run.Output, StringComparison.Ordinal);
        var lines = ProvenanceLog.Read(Results);
        Assert.Equal(["baseline", "deposit", "claim", "verdict", "baseline"], lines.Take(5).Select(l => l.Action));
        var claim = lines[2];
        Assert.True(claim.Sats > 0);
        Assert.True(PaymentHash.FromHex(claim.PaymentHash!).Matches(Preimage.FromHex(claim.Preimage!)));
        Assert.Equal(("accepted", "refunded"), (lines[3].Verdict, lines[3].Deposit));
        Assert.Equal(lines[1].SubmissionId, lines[3].SubmissionId);
        Assert.Equal((0, 1), (lines[0].Version, lines[4].Version));
        // The log accounts for every sat the wallet gained or lost.
        var after = await node.GetBalanceAsync(Ct);
        var logged = lines.Where(l => l.Action == "claim").Sum(l => l.Sats) - lines.Where(l => l.Action is "baseline" or "verdict").Sum(l => l.Sats);
        Assert.Equal(logged, (after.Local - before.Local).ToSatsFloor().Value);
        Assert.Equal(MilliSats.Zero, after.PendingOutgoing);
        Assert.True(board.Code == 0, board.Error);
        Assert.Contains("bob", board.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_of_a_traversal_diff_is_rejected_and_its_deposit_forfeited()
    {
        var id = await FundedBountyAsync();
        var node = Network.CreateFundedNode("mallory", new Sats(100_000));
        var diff = Path.Combine(dir.FullName, "evil.diff");
        await File.WriteAllTextAsync(diff, "--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-root\n+toor\n", Ct);

        var submit = await Run(["bounty", "submit", id, .. Wallet("mallory", node), "--diff", diff]);

        Assert.Equal(1, submit.Code);
        Assert.Contains("path_traversal", submit.Output, StringComparison.Ordinal);
        var verdict = ProvenanceLog.Read(Results).Single(l => l.Action == "verdict");
        Assert.Equal(("rejected", "forfeited"), (verdict.Verdict, verdict.Deposit));
        Assert.True(verdict.Sats > 0);
        Assert.True(PaymentHash.FromHex(verdict.PaymentHash!).Matches(Preimage.FromHex(verdict.Preimage!)), "a forfeited deposit's preimage proves it was taken");
    }

    [Fact]
    public async Task Run_with_the_openai_improver_pays_the_priced_chat_endpoint_and_submits_its_diff()
    {
        var id = await FundedBountyAsync();
        var node = Network.CreateFundedNode("carol", new Sats(100_000));
        await using var chat = await ChatEndpointHost.StartAsync(true, Network, $"Tuned the weights.\n```diff\n{await ImprovingDiffAsync()}```\n");

        var run = await Run(["bounty", "run", id, .. Wallet("carol", node), "--improver", "openai", "--llm-url", chat.BaseAddress.ToString(),
            "--llm-model", "tiny", "--llm-key", "sk-test", "--iterations", "1", "--sandbox", "off", "--work-dir", dir.FullName]);

        Assert.True(run.Code == 0, run.Error + run.Output);
        Assert.Contains("accepted", run.Output, StringComparison.Ordinal);
        var request = Assert.Single(chat.Requests);
        Assert.Equal("tiny", request.GetProperty("model").GetString());
        var lines = ProvenanceLog.Read(Results);
        Assert.Equal(["baseline", "llm", "deposit", "claim", "verdict"], lines.Select(l => l.Action));
        Assert.True(lines[1].Sats >= ChatEndpointHost.PriceSat);
        Assert.True(PaymentHash.FromHex(lines[1].PaymentHash!).Matches(Preimage.FromHex(lines[1].Preimage!)));
        Assert.Equal("accepted", lines[^1].Verdict);
    }

    /// <summary>What a good model would answer: a diff that a seeded hill climb found to beat the baseline.</summary>
    private async Task<string> ImprovingDiffAsync()
    {
        var (baseline, _) = ShippedBounty.WriteTo(ShippedBounty.Generate(42), Path.Combine(dir.FullName, "climb"));
        var evaluator = new EvalCommandEvaluator(baseline, Path.Combine(baseline, ShippedBounty.PublicDirectory), ShippedBounty.Task.EvalCommand,
            SandboxLimits.Default, null, dir.FullName, TimeProvider.System);
        var files = new Dictionary<string, string> { [ShippedBounty.ConfigPath] = await File.ReadAllTextAsync(Path.Combine(baseline, ShippedBounty.ConfigPath), Ct) };
        var climb = await ImprovementLoop.RunAsync(new HillClimbingImprover(new HillClimbingOptions(3)), files, evaluator.ScoreAsync, MetricDirection.Maximize,
            iterations: 30, cancellationToken: Ct);
        Assert.NotEmpty(climb.Diff);
        return climb.Diff;
    }

    [Fact]
    public async Task The_client_cancels_for_a_refund_of_the_pool_and_then_fetches_the_revealed_held_out_set()
    {
        var (id, sponsorMacaroon, heldOutSha256) = await FundedBountyWithSponsorAsync();
        var sponsor = Network.GetNode("sponsor");
        using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/") };
        var client = new BountyClient(http);

        var whileOpen = await Assert.ThrowsAsync<BountyApiException>(() => client.HeldOutAsync(id, Ct));
        var wrongSponsor = await Assert.ThrowsAsync<BountyApiException>(() => client.SubmissionsAsync(id, "AgEDbG5k", Ct));
        var before = await sponsor.GetBalanceAsync(Ct);
        var refund = await sponsor.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(20_000).ToMilliSats(), "refund", TimeSpan.FromHours(1)), Ct);
        var cancelled = await client.CancelAsync(id, sponsorMacaroon, refund.PaymentRequest, Ct);
        var heldOut = await client.HeldOutAsync(id, Ct);

        Assert.Equal(System.Net.HttpStatusCode.Conflict, whileOpen.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrongSponsor.StatusCode);
        Assert.Equal(("closed", 20_000), (cancelled.Status, cancelled.RefundSats));
        Assert.Equal(heldOutSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(heldOut)));
        Assert.Equal(ShippedBounty.HeldOutArchive(ShippedBounty.Generate(42)), heldOut);
        Assert.Empty(await client.SubmissionsAsync(id, sponsorMacaroon, Ct));
        // The refund is a reward.pay job: the balance is read again after each job the silo finishes.
        await silo!.WaitUntilAsync(async c => (await sponsor.GetBalanceAsync(c)).Local - before.Local == new Sats(20_000).ToMilliSats(),
            TimeSpan.FromSeconds(60), "the sponsor's refund to be paid", Ct);
        Assert.Contains(await client.ListAsync("closed", Ct), b => b.Id == id && b.RemainingSats == 0);
    }

    private string[] Wallet(string name, SimnetNode node) =>
        ["--coordinator", url, "--lnd", $"{url}/simnet/{name}", "--macaroon", node.MacaroonHex, "--results", Results, "--agent", name,
            "--wallet-dir", Path.Combine(dir.FullName, "wallet")];

    private async Task<string> FundedBountyAsync() => (await FundedBountyWithSponsorAsync()).Id;

    private async Task<(string Id, string SponsorMacaroon, string HeldOutSha256)> FundedBountyWithSponsorAsync()
    {
        var sponsor = Network.CreateFundedNode("sponsor", new Sats(1_000_000));
        using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/") };
        var client = new BountyClient(http);
        var generated = ShippedBounty.Generate(42);
        var task = ShippedBounty.Task;
        var created = await client.CreateAsync(new CreateBountyRequest
        {
            Title = task.Title, Description = task.Description, Metric = task.Metric, Direction = "maximize", EvalCommand = task.EvalCommand, TargetFiles = task.TargetGlobs,
            BaselineTarball = Convert.ToBase64String(ShippedBounty.BaselineArchive(generated)), HeldOutTarball = Convert.ToBase64String(ShippedBounty.HeldOutArchive(generated)),
            TotalSats = 20_000, Deadline = TimeProvider.System.GetUtcNow().AddHours(1), RateSatsPerUnit = 100_000, MinImprovement = 0.01, MaxDiffBytes = task.MaxDiffBytes,
            ForbiddenPatterns = ["curl"], EvalTimeoutS = 30, EvalMemoryMb = 256, Repeats = 1,
        }, Ct);
        var paid = await sponsor.PayAsync(new PaymentRequest(created.FundingInvoice, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct);
        Assert.Equal(PaymentStatus.Succeeded, paid.Status);
        await silo!.WaitUntilAsync(async c => (await client.ListAsync("active", c)).Any(b => b.Id == created.Id), TimeSpan.FromSeconds(60),
            $"{created.Id} to be active after its funding was paid", Ct);
        return (created.Id, created.SponsorMacaroon, created.HeldOutHash);
    }

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new PeerAgentCommandLine().InvokeAsync(args, output, error);
        TestContext.Current.TestOutputHelper?.WriteLine($"$ peer-agent {string.Join(' ', args.Take(3))} …\n{output}{error}");
        return (code, output.ToString(), error.ToString());
    }
}
