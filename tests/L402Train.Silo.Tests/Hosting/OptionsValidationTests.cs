using L402Train.Gateway.Inference;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Retention;
using L402Train.Grains.Workers;
using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;
using Microsoft.Data.Sqlite;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// Every options class of a silo (its own settings, training, bounty, worker, inference, fees, deposits, retention,
/// Lightning) is validated when the silo starts: one bad value stops start-up with one line naming the setting and
/// the allowed range, exit code 2, no stack trace; settings made in code are checked when the silo is built.
/// </summary>
public sealed class OptionsValidationTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-options-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    [Theory]
    [InlineData("--tracks", "mining", "'mining' is not a track; use a comma-separated list of training,bounties")]
    [InlineData("--corpus", "tinystories", "must be one of generated, kjv")]
    [InlineData("--bounty-deposit-sat", "0", "'0' is not a whole number of sats ≥ 1")]
    [InlineData("--worker-deadline-s", "5", "a number of seconds above the sandbox's wall clock")]
    [InlineData("--inference-max-tokens", "0", "a whole number from 1 to 1000000")]
    [InlineData("--fee-sweep-interval", "00:00:00.5", "a time span from 00:00:01 to 1.00:00:00")]
    [InlineData("--fee-sweep-interval", "every minute", "a time span from 00:00:01 to 1.00:00:00")]
    [InlineData("--unfiled-deposit-grace", "2.00:00:00", "a time span from 00:00:01 to 1.00:00:00")]
    [InlineData("--retention-days", "0", "a whole number of days from 1 to 36500")]
    [InlineData("--simnet-faucet-max-sat", "99999999999999999", "from 0 to 21,000,000 BTC")]
    public async Task A_bad_value_of_each_options_class_stops_serve_with_one_line_naming_the_setting_and_its_range(string option, string value, string range)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName).InvokeAsync(["serve", "--store", "memory", option, value], output, error, TestContext.Current.CancellationToken);

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {option} ", line, StringComparison.Ordinal);
        Assert.Contains(range, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_fee_sweep_interval_in_the_environment_is_named_by_its_variable()
    {
        var error = new StringWriter();

        var code = await new SiloCommandLine(new Dictionary<string, string?> { ["L402TRAIN_FEESWEEPINTERVAL"] = "0" }, dir.FullName)
            .InvokeAsync(["serve", "--store", "memory"], new StringWriter(), error, TestContext.Current.CancellationToken);

        Assert.Equal(SiloCommandLine.SettingError, code);
        Assert.Contains("L402TRAIN_FEESWEEPINTERVAL", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bounty", "--bounty-deposit-sat")]
    [InlineData("worker", "--worker-price-sats")]
    [InlineData("inference", "--inference-max-tokens")]
    [InlineData("retention", "--retention-days")]
    [InlineData("fees", "--fee-sweep-interval")]
    [InlineData("deposits", "--unfiled-deposit-grace")]
    [InlineData("tracks", "--tracks")]
    public void Settings_made_in_code_with_a_bad_value_stop_the_silo_being_built_naming_the_setting(string options, string setting)
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["DataDir"] = dir.FullName, ["Store"] = "memory", ["Urls"] = "http://127.0.0.1:0" },
            new Dictionary<string, string?>(), dir.FullName);
        var wrong = options switch
        {
            "bounty" => settings with { Bounties = new BountyRules { DepositSat = 0 } },
            "worker" => settings with { Workers = new WorkerOptions { PriceSat = 0 } },
            "inference" => settings with { Inference = new InferenceOptions { MaxTokens = 0 } },
            "retention" => settings with { Retention = new RetentionOptions { Retention = TimeSpan.FromHours(1) } },
            "fees" => settings with { FeeSweepInterval = TimeSpan.Zero },
            "deposits" => settings with { UnfiledDepositGrace = TimeSpan.FromDays(2) },
            _ => settings with { Tracks = new HashSet<string>(["mining"], StringComparer.OrdinalIgnoreCase) },
        };

        var refused = Assert.Throws<SiloSettingException>(() => SiloHost.Build(wrong));

        Assert.StartsWith($"{setting} ", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }
}
