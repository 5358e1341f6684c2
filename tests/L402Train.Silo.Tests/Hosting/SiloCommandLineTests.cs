using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;
using Microsoft.Data.Sqlite;

namespace L402Train.Silo.Tests.Hosting;

public sealed class SiloCommandLineTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-cli-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    private async Task<(int Code, string Out, string Error)> RunAsync(string[] args, Dictionary<string, string?>? environment = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new SiloCommandLine(environment ?? [], dir.FullName).InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData(new[] { "serve", "--store", "mysql:server=x" }, "--store", "'mysql' is not a store; use memory, sqlite:<path> or postgres:<connection string>")]
    [InlineData(new[] { "serve", "--store", "sqlite:" }, "--store", "needs a file path")]
    [InlineData(new[] { "serve", "--store", "memory", "--roles", "gateway,wizard" }, "--roles", "'wizard' is not a role")]
    [InlineData(new[] { "serve", "--store", "memory", "--urls", "ftp://127.0.0.1:21" }, "--urls", "'ftp://127.0.0.1:21' is not an http(s) URL")]
    [InlineData(new[] { "serve", "--store", "memory", "--coordinator-fee-pct", "150" }, "--coordinator-fee-pct", "'150' is not a percentage from 0 to 100")]
    [InlineData(new[] { "serve", "--store", "memory", "--significance-level", "0.2" }, "--significance-level", "0.05, 0.025 or 0.01")]
    [InlineData(new[] { "serve", "--store", "memory", "--leader-threshold-rise", "NaN" }, "--leader-threshold-rise", "'NaN' is not a number from 0 to 100")]
    [InlineData(new[] { "serve", "--store", "memory", "--leader-threshold-decay", "1.5" }, "--leader-threshold-decay", "'1.5' is not a share in (0, 1] per period")]
    [InlineData(new[] { "serve", "--store", "memory", "--leader-threshold-period-s", "10" }, "--leader-threshold-period-s", "'10' is not whole seconds from 60 to 2592000")]
    [InlineData(new[] { "serve", "--store", "memory", "--noise-floor-sigmas", "-1" }, "--noise-floor-sigmas", "'-1' is not a number of standard deviations from 0 to 10")]
    [InlineData(new[] { "serve", "--store", "memory", "--noise-reruns", "2" }, "--noise-reruns", "'2' is not a whole number from 3 to 10")]
    [InlineData(new[] { "serve", "--store", "memory", "--holdback-pct", "120" }, "--holdback-pct", "'120' is not a whole percentage from 0 to 100")]
    [InlineData(new[] { "serve", "--store", "memory", "--holdback-delay-s", "1h" }, "--holdback-delay-s", "'1h' is not whole seconds from 60 to 2592000")]
    [InlineData(new[] { "migrate", "--store", "postgres:Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=3" }, "--store", "cannot open the store")]
    [InlineData(new[] { "serve", "--store", "memory", "--advertise-ip", "silo-a.local" }, "--advertise-ip", "'silo-a.local' is not an IP address")]
    [InlineData(new[] { "serve", "--store", "memory", "--cluster-id", "two words" }, "--cluster-id", "'two words' is not a cluster name")]
    [InlineData(new[] { "serve", "--store", "memory", "--corpus", "tinystories" }, "--corpus", "must be one of generated, kjv, not 'tinystories'")]
    public async Task A_wrong_setting_stops_start_up_with_one_line_naming_it_and_exit_code_2(string[] args, string setting, string fix)
    {
        var (code, _, error) = await RunAsync(args);

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {setting} ", line, StringComparison.Ordinal);
        Assert.Contains(fix, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=y", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_environment_variable_is_named_too()
    {
        var (code, _, error) = await RunAsync(["migrate"], new() { ["L402TRAIN_STORE"] = "oracle" });

        Assert.Equal(2, code);
        Assert.Contains("L402TRAIN_STORE", error, StringComparison.Ordinal);
        Assert.Contains("'oracle' is not a store", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_applies_the_schema_to_the_default_sqlite_store_under_data_and_is_idempotent()
    {
        var first = await RunAsync(["migrate"]);
        var second = await RunAsync(["migrate"]);

        Assert.Equal((0, ""), (first.Code, first.Error));
        Assert.Equal(0, second.Code);
        Assert.True(File.Exists(Path.Combine(dir.FullName, "data", "l402train.db")));
        Assert.Contains("migrated", second.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgres_cluster_defaults_to_cluster_l402train_and_the_settings_given_are_kept()
    {
        var defaults = SiloSettings.Load(new Dictionary<string, string?>(), new Dictionary<string, string?>(), dir.FullName);
        var given = SiloSettings.Load(new Dictionary<string, string?> { ["AdvertiseIp"] = "10.0.0.5", ["ClusterId"] = "staging" },
            new Dictionary<string, string?> { ["L402TRAIN_SERVICEID"] = "l402-test" }, dir.FullName);

        Assert.Equal(("l402train", "l402train", null), (defaults.ClusterId, defaults.ServiceId, defaults.AdvertisedAddress));
        Assert.Equal(("staging", "l402-test", System.Net.IPAddress.Parse("10.0.0.5")), (given.ClusterId, given.ServiceId, given.AdvertisedAddress));
    }

    [Fact]
    public void Command_line_beats_environment_which_beats_appsettings()
    {
        File.WriteAllText(Path.Combine(dir.FullName, "appsettings.json"), """{ "Store": "memory", "Roles": "validator", "Urls": "http://127.0.0.1:9001" }""");

        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["Urls"] = "http://127.0.0.1:9003" },
            new Dictionary<string, string?> { ["L402TRAIN_ROLES"] = "settler", ["L402TRAIN_URLS"] = "http://127.0.0.1:9002" }, dir.FullName);

        Assert.Equal("memory", settings.Store.Kind);
        Assert.Equal(["settler"], settings.Roles);
        Assert.Equal(["http://127.0.0.1:9003"], settings.Urls);
    }
}
