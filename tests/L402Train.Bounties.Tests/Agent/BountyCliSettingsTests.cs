using L402Train.PeerAgent.Commands;
using Xunit;

namespace L402Train.Bounties.Tests.Agent;

public sealed class BountyCliSettingsTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new PeerAgentCommandLine().InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("--coordinator", "bounty", "list", "--coordinator", "not a url")]
    [InlineData("--status", "bounty", "list", "--status", "open")]
    [InlineData("--lnd", "bounty", "show", "b-1")]
    [InlineData("--improver", "bounty", "run", "b-1", "--improver", "gpt")]
    [InlineData("--llm-url", "bounty", "run", "b-1", "--improver", "openai")]
    [InlineData("--sandbox", "bounty", "run", "b-1", "--sandbox", "maybe")]
    [InlineData("--iterations", "bounty", "run", "b-1", "--iterations", "0")]
    [InlineData("--diff", "bounty", "submit", "b-1", "--diff", "/nonexistent/x.diff")]
    [InlineData("--coordinator", "bounty", "leaderboard", "b-1", "--coordinator", "ftp://x")]
    public async Task Wrong_settings_exit_2_naming_the_option(string option, params string[] args)
    {
        var (code, _, error) = await Run(args);

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_coordinator_exits_1_with_the_reason()
    {
        var (code, _, error) = await Run("bounty", "list", "--coordinator", "http://127.0.0.1:1/");

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }
}
