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
/// <c>peer-agent bounty submit</c> whose connection drops after the deposit is paid (and the
/// submission filed): the credential was saved in the wallet directory, so <c>bounty claim</c>
/// finishes the submission and the reward arrives.
/// </summary>
public sealed class BountyClaimCliTests : IAsyncLifetime
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402train-bounty-claim-");
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Results => Path.Combine(dir.FullName, "results.jsonl");

    private string WalletDir => Path.Combine(dir.FullName, "wallet");

    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("bounty-claim", cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_submit_whose_connection_drops_after_the_deposit_is_finished_by_claim_and_the_reward_arrives()
    {
        var id = await BountyCliFixtures.FundedBountyAsync(silo!, Ct);
        var node = silo!.Network.CreateFundedNode("dora", new Sats(100_000));
        await using var proxy = await DroppingProxy.StartAsync(silo.Url,
            r => r.Method == "POST" && r.Path.Value!.EndsWith("/submit", StringComparison.Ordinal) && r.Headers.Authorization.Count > 0);
        var baseline = ShippedBounty.Generate(42).Baseline[ShippedBounty.ConfigPath];
        var diff = Path.Combine(dir.FullName, "tuned.diff");
        await File.WriteAllTextAsync(diff, Edits.Diff(baseline, Edits.Tuned(baseline)), Ct);
        var before = await node.GetBalanceAsync(Ct);

        var submit = await Run(["bounty", "submit", id, .. Wallet("dora", node, proxy.BaseAddress), "--diff", diff]);

        Assert.Equal(1, submit.Code);
        Assert.Equal(1, proxy.Dropped);
        var pending = Assert.Single(new PendingClaims(WalletDir).Read());
        Assert.Equal((ClaimKinds.Bounty, id), (pending.Kind, pending.BountyId));
        Assert.StartsWith("L402 ", pending.Credential, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(WalletDir, "pending-claims", pending.SubmissionId + ".json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(WalletDir, "pending-claims")));

        var claim = await Run(["bounty", "claim", .. Wallet("dora", node, proxy.BaseAddress)]);

        Assert.True(claim.Code == 0, claim.Error + claim.Output);
        Assert.Contains("holdback_held", claim.Output, StringComparison.Ordinal);
        // The claim is kept: the reward's holdback (20 % by default) is claimed with the same credential once released.
        Assert.Single(new PendingClaims(WalletDir).Read());
        var line = Assert.Single(ProvenanceLog.Read(Results), l => l.Action == "claim");
        Assert.Equal(pending.SubmissionId, line.SubmissionId);
        Assert.True(line.Sats > 0);
        Assert.True(PaymentHash.FromHex(line.PaymentHash!).Matches(Preimage.FromHex(line.Preimage!)));
        // The reward arrived: the wallet gained it, less the download fee, with its deposit back.
        var state = await new BountyClient(new HttpClient { BaseAddress = new Uri(silo.Url.TrimEnd('/') + "/") })
            .SubmissionAsync(id, pending.SubmissionId, TimeSpan.Zero, Ct);
        Assert.Equal(("accepted", "paid"), (state.Status, state.Reward));
        var fee = ProvenanceLog.Read(Results).Where(l => l.Action == "baseline").Sum(l => l.Sats);
        Assert.Equal(line.Sats - fee, (await BountyCliFixtures.SettledBalanceAsync(node, Ct) - before.Local).ToSatsFloor().Value);

        // Nothing more is claimable before the holdback's re-evaluation: a second run says so, pays nothing and succeeds.
        var again = await Run(["bounty", "claim", .. Wallet("dora", node, proxy.BaseAddress)]);
        Assert.True(again.Code == 0, again.Error + again.Output);
        Assert.Contains("not released yet", again.Output, StringComparison.Ordinal);
        Assert.Equal(line.Sats - fee, (await BountyCliFixtures.SettledBalanceAsync(node, Ct) - before.Local).ToSatsFloor().Value);
    }

    private string[] Wallet(string name, SimnetNode node, Uri coordinator) =>
        ["--coordinator", coordinator.ToString(), "--lnd", $"{silo!.Url}/simnet/{name}", "--macaroon", node.MacaroonHex, "--results", Results,
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
