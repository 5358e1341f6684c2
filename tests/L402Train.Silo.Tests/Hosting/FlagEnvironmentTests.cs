using L402Train.Silo.Commands;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// A flag (<c>--simnet-faucet</c>, <c>--kubernetes</c>) left off the command line keeps what the environment
/// says; given, it wins. System.CommandLine gives an absent bool option an implicit <c>false</c> result, which
/// once overrode <c>L402TRAIN_SIMNETFAUCET=true</c>.
/// </summary>
public sealed class FlagEnvironmentTests
{
    private static Dictionary<string, string?> Environment(string variable) => new()
    {
        [variable] = "true",
        ["L402TRAIN_STORE"] = "postgres:Host=127.0.0.1;Port=1;Username=x;Password=y",
        ["POD_NAME"] = "silo-0",
        ["POD_NAMESPACE"] = "l402",
        ["POD_IP"] = "10.42.0.9",
    };

    private static L402Train.Silo.Hosting.SiloSettings Settings(Dictionary<string, string?> environment, params string[] args)
    {
        var cli = new SiloCommandLine(environment, Path.GetTempPath());
        return cli.Settings(cli.Root.Parse(args));
    }

    [Fact]
    public void The_environment_turns_the_simnet_faucet_on_unless_the_command_line_turns_it_off()
    {
        Assert.True(Settings(Environment("L402TRAIN_SIMNETFAUCET"), "serve").SimnetFaucet);
        Assert.False(Settings(Environment("L402TRAIN_SIMNETFAUCET"), "serve", "--simnet-faucet", "false").SimnetFaucet);
        Assert.True(Settings([], "serve", "--simnet-faucet").SimnetFaucet);
    }

    [Fact]
    public void The_environment_turns_kubernetes_hosting_on_unless_the_command_line_turns_it_off()
    {
        Assert.NotNull(Settings(Environment("L402TRAIN_KUBERNETES"), "serve").Kubernetes);
        Assert.Null(Settings(Environment("L402TRAIN_KUBERNETES"), "serve", "--kubernetes", "false").Kubernetes);
        var flagOnly = Environment("UNRELATED");
        Assert.NotNull(Settings(flagOnly, "serve", "--kubernetes").Kubernetes);
        Assert.Null(Settings(flagOnly, "serve").Kubernetes);
    }
}
