using L402Train.Lightning;
using L402Train.PeerAgent.Commands;
using L402Train.Testing;
using Xunit;

namespace L402Train.Training.Tests.Http;

/// <summary><c>peer-agent</c> against a running coordinator, its wallet a simnet node behind the LND facade.</summary>
public sealed class PeerAgentCliTests : IAsyncLifetime
{
    private EmbeddedSilo? silo;

    // The agent's wallet directory (saved deposit credentials), apart from the silo's data.
    private readonly DirectoryInfo walletDir = Directory.CreateTempSubdirectory("l402train-cli-wallet-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string url => silo!.Url;

    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("cli", cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
        walletDir.Delete(recursive: true);
    }

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new PeerAgentCommandLine().InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Train_submits_a_round_and_is_paid_its_reward()
    {
        var node = silo!.Network.CreateFundedNode("carol", new Sats(1_000_000));
        var before = await node.GetBalanceAsync(Ct);

        var (code, output, error) = await Run("train", "--coordinator", url, "--lnd", $"{url}/simnet/carol", "--macaroon", node.MacaroonHex,
            "--rounds", "1", "--inner-steps", "5", "--wallet-dir", walletDir.FullName);

        Assert.True(code == 0, error + output);
        Assert.True(output.Contains("accepted", StringComparison.Ordinal), output);
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        var after = await node.GetBalanceAsync(Ct);
        Assert.True(after.Local > before.Local, $"balance {before.Local} -> {after.Local}: the reward should exceed the checkpoint fee");
        Assert.Equal(MilliSats.Zero, after.PendingOutgoing);
    }

    [Fact]
    public async Task Train_claim_finishes_an_upload_whose_connection_dropped_after_the_deposit_and_the_reward_arrives()
    {
        var node = silo!.Network.CreateFundedNode("erin", new Sats(1_000_000));
        await using var proxy = await DroppingProxy.StartAsync(url, r => r.Method == "PUT" && r.Headers.Authorization.Count > 0);
        var wallet = new[] { "--lnd", $"{url}/simnet/erin", "--macaroon", node.MacaroonHex, "--wallet-dir", walletDir.FullName };
        var before = await node.GetBalanceAsync(Ct);

        var train = await Run(["train", "--coordinator", proxy.BaseAddress.ToString(), .. wallet, "--rounds", "1", "--inner-steps", "5"]);

        Assert.NotEqual(0, train.Code);
        Assert.Equal(1, proxy.Dropped);
        var pending = Assert.Single(new PeerAgent.Claims.PendingClaims(walletDir.FullName).Read());
        Assert.Equal(PeerAgent.Claims.ClaimKinds.Training, pending.Kind);

        var claim = await Run(["train", "claim", "--coordinator", proxy.BaseAddress.ToString(), .. wallet]);

        Assert.True(claim.Code == 0, claim.Error + claim.Output);
        Assert.Contains("claimed", claim.Output, StringComparison.Ordinal);
        Assert.Empty(new PeerAgent.Claims.PendingClaims(walletDir.FullName).Read());
        var after = await node.GetBalanceAsync(Ct);
        Assert.True(after.Local > before.Local, $"balance {before.Local} -> {after.Local}: the reward should exceed the checkpoint fee");
        Assert.Equal(MilliSats.Zero, after.PendingOutgoing);
    }

    [Fact]
    public async Task Train_resumes_the_claim_a_dropped_connection_left_when_it_starts_again()
    {
        var node = silo!.Network.CreateFundedNode("fred", new Sats(1_000_000));
        await using var proxy = await DroppingProxy.StartAsync(url, r => r.Method == "PUT" && r.Headers.Authorization.Count > 0);
        string[] train = ["train", "--coordinator", proxy.BaseAddress.ToString(), "--lnd", $"{url}/simnet/fred", "--macaroon", node.MacaroonHex,
            "--wallet-dir", walletDir.FullName, "--rounds", "1", "--inner-steps", "5"];
        var dropped = await Run(train);
        Assert.NotEqual(0, dropped.Code);
        var pending = Assert.Single(new PeerAgent.Claims.PendingClaims(walletDir.FullName).Read());

        var again = await Run(train);

        Assert.True(again.Code == 0, again.Error + again.Output);
        Assert.Contains("resuming the pending train claims", again.Output, StringComparison.Ordinal);
        Assert.Contains(pending.SubmissionId[..12], again.Output, StringComparison.Ordinal);
        Assert.True(new PeerAgent.Claims.PendingClaims(walletDir.FullName).Read().Count == 0, again.Output);
    }

    [Fact]
    public async Task Status_and_balance_print_what_the_coordinator_and_wallet_say()
    {
        var node = silo!.Network.CreateFundedNode("dave", new Sats(123_456));

        var status = await Run("status", "--coordinator", url);
        var balance = await Run("balance", "--lnd", $"{url}/simnet/dave", "--macaroon", node.MacaroonHex);

        Assert.Equal(0, status.Code);
        Assert.Contains("open", status.Output);
        Assert.Equal(0, balance.Code);
        Assert.Contains("123456", balance.Output);
    }

    [Fact]
    public async Task Train_expecting_another_corpus_than_the_coordinator_runs_stops_before_paying_anything()
    {
        var node = silo!.Network.CreateFundedNode("erin", new Sats(1_000_000));
        var before = await node.GetBalanceAsync(Ct);

        var other = await Run("train", "--coordinator", url, "--lnd", $"{url}/simnet/erin", "--macaroon", node.MacaroonHex,
            "--rounds", "1", "--inner-steps", "2", "--wallet-dir", walletDir.FullName, "--corpus", "kjv");
        var unknown = await Run("train", "--coordinator", url, "--lnd", $"{url}/simnet/erin", "--macaroon", node.MacaroonHex, "--corpus", "bible");

        Assert.Equal(2, other.Code);
        Assert.Equal("error: --corpus kjv: the coordinator trains on 'generated'", other.Error.Trim());
        Assert.Equal(2, unknown.Code);
        Assert.Equal("error: --corpus must be one of generated, kjv", unknown.Error.Trim());
        Assert.Equal(before.Local, (await node.GetBalanceAsync(Ct)).Local);
    }

    [Theory]
    [InlineData("train", "--coordinator", "not a url")]
    [InlineData("train", "--coordinator", "http://127.0.0.1:1/")]
    [InlineData("balance")]
    public async Task Missing_or_wrong_settings_exit_2_naming_the_option(params string[] args)
    {
        var (code, _, error) = await Run(args);
        Assert.Equal(2, code);
        Assert.Contains("--", error);
    }
}
