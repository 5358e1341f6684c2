using System.Net;
using System.Text;
using L402Train.Lightning.Facade;
using L402Train.Lightning.Simnet;
using Xunit;

namespace L402Train.Lightning.Tests.Facade;

public sealed class SimnetFaucetTests
{
    private static StringContent Body(string name, string balanceSat) =>
        new($$"""{"name":"{{name}}","balance_sat":"{{balanceSat}}"}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task Faucet_is_not_mapped_unless_asked_for()
    {
        await using var host = await FacadeHost.StartAsync(withFaucet: false);
        using var response = await host.Http.PostAsync("simnet/nodes", Body("carol", "1000"));
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, response.StatusCode.ToString());
        Assert.Null(host.Network.FindNode("carol"));
    }

    [Fact]
    public async Task Faucet_refuses_a_caller_that_is_not_on_this_machine()
    {
        await using var host = await FacadeHost.StartAsync(callerAddress: IPAddress.Parse("203.0.113.7"));
        using var response = await host.Http.PostAsync("simnet/nodes", Body("carol", "1000"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("loopback", await response.Content.ReadAsStringAsync());
        Assert.Null(host.Network.FindNode("carol"));
    }

    [Fact]
    public async Task Faucet_grants_up_to_its_cap_records_each_grant_and_reports_it()
    {
        var heard = new List<SimnetFaucetGrant>();
        var faucet = new SimnetFaucetOptions
        {
            MaxPerNode = new Sats(50_000),
            OnGranted = (grant, _) =>
            {
                heard.Add(grant);
                return Task.CompletedTask;
            },
        };
        await using var host = await FacadeHost.StartAsync(faucet: faucet, callerAddress: IPAddress.IPv6Loopback);
        using var over = await host.Http.PostAsync("simnet/nodes", Body("carol", "50001"));
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Contains("cap of 50000 sat", await over.Content.ReadAsStringAsync());
        Assert.Null(host.Network.FindNode("carol"));

        using var granted = await host.Http.PostAsync("simnet/nodes", Body("carol", "50000"));
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        var grant = Assert.Single(host.Network.FaucetGrants);
        Assert.Equal(("carol", new Sats(50_000)), (grant.Node, grant.Amount));
        Assert.Equal(grant, Assert.Single(heard));
    }

    [Fact]
    public async Task Funds_that_would_take_the_network_above_21M_btc_are_refused_and_balances_stay_readable()
    {
        await using var host = await FacadeHost.StartAsync(faucet: new SimnetFaucetOptions { MaxPerNode = BitcoinSupply.MaxSats });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await host.Http.PostAsync("simnet/nodes", Body($"whale{i}", "2100000000000000"));
            statuses.Add(response.StatusCode);
        }
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.BadRequest, s));
        using (var half = await host.Http.PostAsync("simnet/nodes", Body("half", "1000000000000000")))
            Assert.Equal(HttpStatusCode.OK, half.StatusCode);
        using (var more = await host.Http.PostAsync("simnet/nodes", Body("more", "100000000000000")))
            Assert.Equal(HttpStatusCode.BadRequest, more.StatusCode);
        Assert.Throws<LightningException>(() => host.Network.CreateFundedNode("direct", new Sats(100_000_000_000_000)));
        Assert.Null(host.Network.FindNode("more"));
        Assert.Null(host.Network.FindNode("direct"));
        var coordinator = await host.Network.Coordinator.GetBalanceAsync();
        Assert.Equal(new Sats(1_000_000_000_000_000).ToMilliSats(), coordinator.Local);
        Assert.True(host.Network.TotalFunds <= BitcoinSupply.MaxMilliSats);
    }
}
