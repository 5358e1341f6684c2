using L402Train.Lightning.Simnet;
using L402Train.Runtime.Simnet;
using L402Train.Testing;
using Xunit;

namespace L402Train.Lightning.Tests.Simnet;

public sealed class StoredStateTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("simnet-state-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static SimnetOptions Durable(string path) => new() { Store = new SqliteSimnetStore(path) };

    [Fact]
    public void Faucet_grants_survive_a_restart()
    {
        var path = Path.Combine(directory, "simnet.db");
        using (var network = new SimnetNetwork(Durable(path), new FakeTimeProvider())) network.FundFromFaucet("alice", new Sats(1_234));
        using var reopened = new SimnetNetwork(Durable(path), new FakeTimeProvider());
        var grant = Assert.Single(reopened.FaucetGrants);
        Assert.Equal(("alice", new Sats(1_234)), (grant.Node, grant.Amount));
    }

    [Fact]
    public void A_stored_state_above_21M_btc_stops_start_up_with_one_line_naming_the_file_and_the_fix()
    {
        var path = Path.Combine(directory, "simnet.db");
        using (var network = new SimnetNetwork(Durable(path), new FakeTimeProvider())) network.CreateFundedNode("alice", new Sats(1_000));
        // What five faucet calls of 2.1e15 sat left behind before the faucet had a cap.
        using (var store = new SimnetStore(new SqliteSimnetStore(path)))
        {
            for (var i = 1; i <= 5; i++)
            {
                store.Put("node", $"whale{i}", new NodeRecord { Name = $"whale{i}", SecretKeyHex = NodeKey.Generate().ToSecretHex(), MacaroonHex = "00" });
                store.Put("channel", (100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    new ChannelRecord { Id = 100 + i, NodeA = "coordinator", NodeB = $"whale{i}", BalanceAMsat = 2_100_000_000_000_000_000, BalanceBMsat = 2_100_000_000_000_000_000 });
            }
            store.Flush();
        }
        var refused = Assert.Throws<SimnetStateException>(() => new SimnetNetwork(Durable(path), new FakeTimeProvider()));
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Contains(path, refused.Message);
        Assert.Contains("21,000,000 BTC", refused.Message);
        Assert.Contains($"mv {path} {path}.bad", refused.Message);
    }

    [Fact]
    public void A_stored_record_that_is_not_json_stops_start_up_with_one_line()
    {
        var path = Path.Combine(directory, "simnet.db");
        using (var network = new SimnetNetwork(Durable(path), new FakeTimeProvider())) network.CreateNode("alice");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE simnet_records SET json = '{not json' WHERE kind = 'node' AND key = 'alice'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }
        var refused = Assert.Throws<SimnetStateException>(() => new SimnetNetwork(Durable(path), new FakeTimeProvider()));
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Contains(path, refused.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_database_stops_start_up_with_one_line_naming_the_file_and_the_fix()
    {
        var path = Path.Combine(directory, "simnet.db");
        File.WriteAllText(path, new string('x', 8192));
        var refused = Assert.Throws<SimnetStateException>(() => new SqliteSimnetStore(path));
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Contains($"mv {path} {path}.bad", refused.Message);
    }
}
