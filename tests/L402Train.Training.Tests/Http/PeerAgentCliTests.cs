using L402Train.Lightning;
using L402Train.PeerAgent.Commands;
using L402Train.Testing;
using Xunit;

namespace L402Train.Training.Tests.Http;

/// <summary><c>peer-agent</c> against a running coordinator, its wallet a simnet node behind the LND facade.</summary>
public sealed class PeerAgentCliTests : IAsyncLifetime
{
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string url => silo!.Url;

    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("cli", cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
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
            "--rounds", "1", "--inner-steps", "5");

        Assert.True(code == 0, error + output);
        Assert.True(output.Contains("accepted", StringComparison.Ordinal), output);
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        var after = await node.GetBalanceAsync(Ct);
        Assert.True(after.Local > before.Local, $"balance {before.Local} -> {after.Local}: the reward should exceed the checkpoint fee");
        Assert.Equal(MilliSats.Zero, after.PendingOutgoing);
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
