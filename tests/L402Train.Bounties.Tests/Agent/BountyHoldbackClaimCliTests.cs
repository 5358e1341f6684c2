using L402Train.Bounties.Tests.Flow;
using L402Train.Bounties.Shipped;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Claims;
using L402Train.PeerAgent.Commands;
using L402Train.Testing;
using Xunit;

namespace L402Train.Bounties.Tests.Agent;

/// <summary>
/// <c>peer-agent bounty claim</c> and the temporal holdback, against the real silo on a clock the test jumps past the
/// holdback's delay: the deposit credential is kept while the holdback is held, the released holdback is claimed with a
/// second invoice, and a held, forfeited or already paid holdback is said so.
/// </summary>
public sealed class BountyHoldbackClaimCliTests : IAsyncLifetime
{
    private const long DelaySeconds = 60;
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402train-holdback-claim-");
    private readonly JumpingTimeProvider clock = new();
    private readonly GeneratedBounty shipped = ShippedBounty.Generate(42);
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Results => Path.Combine(dir.FullName, "results.jsonl");

    private string WalletDir => Path.Combine(dir.FullName, "wallet");

    private string BaselineConfig => shipped.Baseline[ShippedBounty.ConfigPath];

    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("holdback-claim", cancellationToken: Ct, time: clock);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_held_holdback_keeps_the_claim_and_once_released_bounty_claim_receives_it_exactly_once()
    {
        var id = await FundedAsync();
        var node = silo!.Network.CreateFundedNode("dora", new Sats(100_000));
        var submit = await Run(["bounty", "submit", id, .. Wallet("dora", node), "--diff", await DiffFileAsync(Edits.Tuned(BaselineConfig))]);
        Assert.True(submit.Code == 0, submit.Error + submit.Output);
        var pending = Assert.Single(new PendingClaims(WalletDir).Read());
        var accepted = await ViewAsync(id, pending.SubmissionId);
        Assert.Equal(("accepted", "paid", "held"), (accepted.Status, accepted.Reward, accepted.Holdback));
        Assert.True(accepted.HoldbackSats > 0);

        // Before the re-evaluation: nothing to claim, the credential stays, and the agent learns when it releases.
        var early = await Run(["bounty", "claim", .. Wallet("dora", node)]);
        Assert.True(early.Code == 0, early.Error + early.Output);
        Assert.Contains($"holdback of {accepted.HoldbackSats} sat not released yet (releases at {accepted.HoldbackDueAt:yyyy-MM-dd HH:mm:ss}Z", Flat(early.Output), StringComparison.Ordinal);
        Assert.Single(new PendingClaims(WalletDir).Read());

        clock.Jump(TimeSpan.FromSeconds(DelaySeconds + 1));
        await HoldbackResolvedAsync(id, pending.SubmissionId);
        Assert.Equal("released", (await ViewAsync(id, pending.SubmissionId)).Holdback);
        var before = await BountyCliFixtures.SettledBalanceAsync(node, Ct);

        var claim = await Run(["bounty", "claim", .. Wallet("dora", node)]);

        Assert.True(claim.Code == 0, claim.Error + claim.Output);
        Assert.Contains($"holdback of {accepted.HoldbackSats} sat received", Flat(claim.Output), StringComparison.Ordinal);
        Assert.Equal("paid", (await ViewAsync(id, pending.SubmissionId)).Holdback);
        Assert.Equal(accepted.HoldbackSats, (await BountyCliFixtures.SettledBalanceAsync(node, Ct) - before).ToSatsFloor().Value);
        Assert.Empty(new PendingClaims(WalletDir).Read());
        var logged = ProvenanceLog.Read(Results).Where(l => l.Action == "claim" && l.SubmissionId == pending.SubmissionId).ToList();
        Assert.Equal(accepted.HoldbackSats, logged[^1].Sats);

        // A claim file left behind (a crash after the payment, before it was forgotten): already paid, nothing pays twice.
        await new PendingClaims(WalletDir).SaveAsync(pending, Ct);
        var again = await Run(["bounty", "claim", .. Wallet("dora", node)]);
        Assert.True(again.Code == 0, again.Error + again.Output);
        Assert.Contains($"holdback of {accepted.HoldbackSats} sat already paid", Flat(again.Output), StringComparison.Ordinal);
        Assert.Equal(before + new Sats(accepted.HoldbackSats).ToMilliSats(), await BountyCliFixtures.SettledBalanceAsync(node, Ct));
        Assert.Empty(new PendingClaims(WalletDir).Read());
    }

    [Fact]
    public async Task A_forfeited_holdback_is_said_so_and_its_claim_forgotten_without_a_payment()
    {
        var id = await FundedAsync();
        var node = silo!.Network.CreateFundedNode("mallory", new Sats(100_000));
        // A leak of the held-out answers wins on the held-out set and on nothing else: the fresh slice forfeits its holdback.
        var leaked = ShippedBounty.HardCodePublicAnswers(BaselineConfig, shipped.HeldOutSet[ShippedBounty.MessagesFile]);
        var submit = await Run(["bounty", "submit", id, .. Wallet("mallory", node), "--diff", await DiffFileAsync(leaked)]);
        Assert.True(submit.Code == 0, submit.Error + submit.Output);
        var pending = Assert.Single(new PendingClaims(WalletDir).Read());
        var accepted = await ViewAsync(id, pending.SubmissionId);
        Assert.Equal(("accepted", "held"), (accepted.Status, accepted.Holdback));

        clock.Jump(TimeSpan.FromSeconds(DelaySeconds + 1));
        await HoldbackResolvedAsync(id, pending.SubmissionId);
        var before = await BountyCliFixtures.SettledBalanceAsync(node, Ct);

        var claim = await Run(["bounty", "claim", .. Wallet("mallory", node)]);

        Assert.True(claim.Code == 0, claim.Error + claim.Output);
        Assert.Contains($"holdback of {accepted.HoldbackSats} sat forfeited", Flat(claim.Output), StringComparison.Ordinal);
        Assert.Equal("forfeited", (await ViewAsync(id, pending.SubmissionId)).Holdback);
        Assert.Equal(before, await BountyCliFixtures.SettledBalanceAsync(node, Ct));
        Assert.Empty(new PendingClaims(WalletDir).Read());
    }

    private Task<string> FundedAsync() => BountyCliFixtures.FundedBountyAsync(silo!, Ct, request => request with
    {
        HoldbackDelayS = DelaySeconds,
        HoldbackTarball = Convert.ToBase64String(ShippedBounty.HoldbackArchive(shipped)),
    });

    private async Task<string> DiffFileAsync(string config)
    {
        var file = Path.Combine(dir.FullName, Guid.NewGuid().ToString("N") + ".diff");
        await File.WriteAllTextAsync(file, Edits.Diff(BaselineConfig, config), Ct);
        return file;
    }

    private async Task<BountySubmissionView> ViewAsync(string id, string submissionId)
    {
        using var http = new HttpClient { BaseAddress = new Uri(silo!.Url.TrimEnd('/') + "/") };
        return await new BountyClient(http).SubmissionAsync(id, submissionId, TimeSpan.Zero, Ct);
    }

    // The re-evaluation is a scheduled job: the view is re-read after every job the silo finishes (a signal, not a sleep)
    // until it shows the outcome.
    private Task HoldbackResolvedAsync(string id, string submissionId) =>
        silo!.WaitUntilAsync(async _ => (await ViewAsync(id, submissionId)).Holdback != "held", TimeSpan.FromSeconds(60),
            "the holdback's re-evaluation after its delay", Ct);

    // Spectre wraps long lines at the console width.
    private static string Flat(string output) => string.Join(' ', output.Split('\n', StringSplitOptions.TrimEntries));

    private string[] Wallet(string name, SimnetNode node) =>
        ["--coordinator", silo!.Url, "--lnd", $"{silo.Url}/simnet/{name}", "--macaroon", node.MacaroonHex, "--results", Results,
            "--agent", name, "--wallet-dir", WalletDir];

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new PeerAgentCommandLine().InvokeAsync(args, output, error);
        TestContext.Current.TestOutputHelper?.WriteLine($"$ peer-agent {string.Join(' ', args.Take(3))} …\n{output}{error}");
        return (code, output.ToString(), error.ToString());
    }
}
