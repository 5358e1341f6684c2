using System.Net;
using System.Text;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Runtime.Simnet;
using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;
using Microsoft.Data.Sqlite;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>The simnet faucet in <c>silo serve</c>: opt-in, and booked so that <c>silo ledger check</c> reconciles.</summary>
public sealed class SimnetFaucetLedgerTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-faucet-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DataDir => Path.Combine(dir.FullName, "data");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Wallets_from_the_faucet_are_booked_so_the_ledger_check_reconciles_even_after_a_crash_between_grant_and_entry()
    {
        await ServeAsync(faucet: true, async http =>
        {
            // The wallet set-up of docs/training.md.
            foreach (var (name, sat) in new[] { ("alice", 1_000_000), ("bob", 200_000) })
            {
                using var response = await http.PostAsync("/simnet/nodes", Wallet(name, sat), Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });
        // A grant the ledger never heard of: the silo died after the simnet wrote it.
        using (var network = new SimnetNetwork(new SimnetOptions { Store = new SqliteSimnetStore(Path.Combine(DataDir, "simnet.db")) }))
            network.FundFromFaucet("carol", new Sats(50_000));

        var (code, output, error) = await LedgerCheckAsync();

        Assert.True(code == 0, output + error);
        Assert.Contains("opening 0 sat + in 1250000 sat - out 0 sat = expected 1250000 sat; node holds 1250000 sat", output, StringComparison.Ordinal);
        Assert.EndsWith("reconciled", output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_maps_no_faucet_unless_asked()
    {
        await ServeAsync(faucet: false, async http =>
        {
            using var response = await http.PostAsync("/simnet/nodes", Wallet("alice", 1_000), Ct);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, response.StatusCode.ToString());
        });
    }

    [Fact]
    public async Task A_simnet_state_above_21M_btc_stops_start_up_with_one_line()
    {
        Assert.Equal(0, (await LedgerCheckAsync()).Code);
        var simnet = Path.Combine(DataDir, "simnet.db");
        using (var network = new SimnetNetwork(new SimnetOptions { Store = new SqliteSimnetStore(simnet) })) network.CreateFundedNode("whale", new Sats(1));
        using (var connection = new SqliteConnection($"Data Source={simnet};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE simnet_records SET json = json_set(json, '$.balanceAMsat', 2100000000000000000, '$.balanceBMsat', 2100000000000000000) WHERE kind = 'channel'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var (code, _, error) = await LedgerCheckAsync();

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {simnet}: the stored simnet state cannot be loaded", line, StringComparison.Ordinal);
        Assert.Contains($"mv {simnet} {simnet}.bad", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_faucet_needs_simnet_and_a_cap_within_21M_btc()
    {
        var none = new Dictionary<string, string?>();
        var onLnd = Assert.Throws<SiloSettingException>(() => LightningComposition.ParseFaucet("true", null, new Lightning.Backend.LightningBackendOptions { Kind = Lightning.Backend.LightningBackendKind.Lnd }));
        Assert.Equal("simnet-faucet", onLnd.Setting);
        var tooMuch = Assert.Throws<SiloSettingException>(() => SiloSettings.Load(new Dictionary<string, string?> { ["SimnetFaucetMaxSat"] = "2100000000000001" }, none, dir.FullName));
        Assert.Equal("simnet-faucet-max-sat", tooMuch.Setting);
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["SimnetFaucet"] = "true", ["SimnetFaucetMaxSat"] = "5000" }, none, dir.FullName);
        Assert.True(settings.SimnetFaucet);
        Assert.Equal(5_000, settings.SimnetFaucetMaxSat);
        Assert.False(SiloSettings.Load(none, none, dir.FullName).SimnetFaucet);
    }

    private static StringContent Wallet(string name, long sat) =>
        new($$"""{"name":"{{name}}","balance_sat":{{sat}}}""", Encoding.UTF8, "application/json");

    private async Task ServeAsync(bool faucet, Func<HttpClient, Task> use)
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?>
        {
            ["DataDir"] = DataDir,
            ["Urls"] = "http://127.0.0.1:0",
            ["SimnetFaucet"] = faucet ? "true" : null,
        }, new Dictionary<string, string?>(), dir.FullName);
        await using var app = SiloHost.Build(settings);
        await app.StartAsync(Ct);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        await use(http);
        await app.StopAsync(Ct);
    }

    private async Task<(int Code, string Out, string Error)> LedgerCheckAsync()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName).InvokeAsync(["ledger", "check", "--data-dir", DataDir], output, error, Ct);
        SqliteConnection.ClearAllPools();
        return (code, output.ToString(), error.ToString());
    }
}
