using L402Train.Runtime;
using L402Train.PeerAgent.Training;
using L402Train.Silo.Demo;
using L402Train.Testing;
using Spectre.Console;
using Xunit;

namespace L402Train.Training.Tests.EndToEnd;

/// <summary>
/// The whole training track over real HTTP, real L402 (macaroons, hold invoices), simnet
/// wallets reached through the LND facade, the compression codec and the CPU model, on PostgreSQL:
/// honest peers are paid, every adversary is caught and forfeits its deposit, and the ledger
/// reconciles with the coordinator's node.
/// </summary>
public class TrainingRunTests
{
    [Fact]
    public async Task Honest_peers_are_paid_and_every_adversary_forfeits_its_deposit_on_postgres()
    {
        await using var schema = await PostgresDatabase.CreateSchemaAsync("train");
        var dataDir = Directory.CreateTempSubdirectory("l402train-e2e").FullName;
        PeerProfile[] profiles = [PeerProfile.Honest, PeerProfile.Honest, PeerProfile.Mediocre, PeerProfile.FreeRider, PeerProfile.Copycat, PeerProfile.Poisoner, PeerProfile.Stale];
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()) });
        var report = await new DemoRunner(
            new DemoOptions(profiles, Rounds: 2, InnerSteps: 10, dataDir, new GrainStoreAddress("postgres", schema.ConnectionString)), console)
            .RunAsync(TestContext.Current.CancellationToken);

        Assert.True(report.LedgerReconciled, $"ledger differs from the node by {report.LedgerDifferenceSat} sat");
        Assert.All(report.Rounds, r => Assert.True(r.LossAfter < r.LossBefore, $"round {r.Round}: held-out loss {r.LossBefore} -> {r.LossAfter}"));
        Assert.All(report.Rounds, r => Assert.Equal(profiles.Length, r.Submitted));

        var byProfile = report.Peers.ToLookup(p => p.Profile);
        foreach (var honest in byProfile["honest"])
        {
            Assert.Equal(2, honest.Accepted);
            Assert.True(honest.RewardsSat > 0);
            Assert.Equal(0, honest.DepositsForfeitedSat);
        }
        var mediocre = Assert.Single(byProfile["mediocre"]);
        Assert.Equal(2, mediocre.Verdicts.GetValueOrDefault("below_threshold"));
        Assert.Equal(0, mediocre.RewardsSat);
        Assert.Equal(0, mediocre.DepositsForfeitedSat);

        Assert.Equal(2, Assert.Single(byProfile["copycat"]).Verdicts.GetValueOrDefault("copycat"));
        Assert.Equal(2, Assert.Single(byProfile["poisoner"]).Verdicts.GetValueOrDefault("harmful"));
        var freeRider = Assert.Single(byProfile["free-rider"]);
        Assert.Equal(2, freeRider.Verdicts.GetValueOrDefault("harmful") + freeRider.Verdicts.GetValueOrDefault("malformed"));
        var stale = Assert.Single(byProfile["stale"]);
        Assert.Equal(1, stale.Verdicts.GetValueOrDefault("stale"));
        foreach (var cheat in new[] { "copycat", "poisoner", "free-rider" }.SelectMany(p => byProfile[p]))
        {
            Assert.Equal(0, cheat.RewardsSat);
            Assert.Equal(2_000, cheat.DepositsForfeitedSat);
            Assert.True(cheat.NetSat < 0);
        }
    }
}
