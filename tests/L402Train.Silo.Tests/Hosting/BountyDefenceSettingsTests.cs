using L402Train.Grains.Bounties.Catalog;
using L402Train.Silo.Commands;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>The bounty defences' thresholds and the posted terms' defaults come from the silo's options or its environment.</summary>
public sealed class BountyDefenceSettingsTests
{
    private static BountyRules Rules(Dictionary<string, string?> environment, params string[] args)
    {
        var cli = new SiloCommandLine(environment, Path.GetTempPath());
        return cli.Settings(cli.Root.Parse(["serve", "--store", "memory", .. args])).Bounties;
    }

    [Fact]
    public void Unset_they_are_the_code_defaults()
    {
        var rules = Rules([]);

        Assert.Equal((2.0, 1.0, 0.05, TimeSpan.FromMinutes(20)), (rules.NoiseFloorSigmas, rules.LeaderThresholdRise, rules.LeaderThresholdDecay, rules.LeaderThresholdPeriod));
        Assert.Equal((3, 20, TimeSpan.FromHours(48)), (rules.DefaultNoiseReruns, rules.DefaultHoldbackPct, rules.DefaultHoldbackDelay));
    }

    [Fact]
    public void Options_set_them_and_the_environment_sets_what_the_command_line_leaves_out()
    {
        var environment = new Dictionary<string, string?>
        {
            ["L402TRAIN_LEADERTHRESHOLDRISE"] = "2.5",
            ["L402TRAIN_LEADERTHRESHOLDDECAY"] = "0.1",
            ["L402TRAIN_BOUNTYHOLDBACKPCT"] = "35",
            ["L402TRAIN_NOISEFLOORSIGMAS"] = "3",
        };

        var rules = Rules(environment, "--leader-threshold-period-s", "600", "--noise-reruns", "5", "--holdback-delay-s", "3600", "--holdback-pct", "10");

        Assert.Equal((3.0, 2.5, 0.1, TimeSpan.FromMinutes(10)), (rules.NoiseFloorSigmas, rules.LeaderThresholdRise, rules.LeaderThresholdDecay, rules.LeaderThresholdPeriod));
        Assert.Equal((5, 10, TimeSpan.FromHours(1)), (rules.DefaultNoiseReruns, rules.DefaultHoldbackPct, rules.DefaultHoldbackDelay));
    }
}
