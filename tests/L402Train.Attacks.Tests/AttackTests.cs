using Xunit;

namespace L402Train.Attacks.Tests;

/// <summary>
/// Every attacker of the catalog, played through the real HTTP API against the shipped bounty on
/// one silo with the bubblewrap sandbox: none is accepted, none is paid, and a dishonest one loses
/// every deposit it locked. The verdict is printed, not pinned (codes may be refined, e.g. to
/// <c>canary_failed</c>); refusal and money are what must hold.
/// </summary>
public sealed class AttackTests(AttackArenaFixture fixture) : IClassFixture<AttackArenaFixture>
{
    public static TheoryData<string> Attacks => [.. AttackCatalog.All.Select(a => a.Name)];

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Attack_is_refused_unpaid_and_a_dishonest_one_forfeits_its_deposits(string name)
    {
        var attack = AttackCatalog.Named(name);
        var result = await AttackSuite.RunAsync(fixture.Arena, attack, TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: verdict {result.Verdict}; reward {result.RewardSats} sat; spent {result.SpentSats} sat; deposit {result.DepositOutcome}; eval {result.EvalTime.TotalMilliseconds:0} ms");
        var report = string.Join("\n", result.Submissions.Select(s => $"{s.Agent} {s.Status} {s.Reason} deposit {s.DepositMoney} reward {s.RewardSats}: {s.Detail}")
            .Concat(result.Refusals));
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Assert.True(result.Submissions.Count + result.Refusals.Count > 0, "the attack did nothing");
        Assert.All(result.Submissions, s => Assert.False(s.Accepted, $"accepted: {report}"));
        Assert.Equal(0, result.RewardSats);
        if (attack.Dishonest)
        {
            Assert.All(result.Submissions, s => Assert.True(s.DepositMoney == "forfeited", $"{s.Reason} kept its deposit: {report}"));
            Assert.All(result.Submissions, s => Assert.Equal("forfeited", s.Deposit));
        }
        // The wallets lost the forfeited deposits and the download fees (10 sat each), nothing else: refunded deposits came back.
        var fees = result.SpentSats - (result.DepositsForfeited * fixture.Arena.DepositSats);
        Assert.InRange(fees, 10, fixture.Arena.DepositSats - 1);
        Assert.True(result.Refused, report);
    }

    [Fact]
    public async Task The_honest_control_is_accepted_and_rewarded_on_the_same_arena()
    {
        // The refusals above mean something only if the same silo and bounty pay real work.
        var leader = await fixture.Arena.LeaderAsync();

        TestContext.Current.TestOutputHelper?.WriteLine($"honest: {leader.Record.Reason}, held-out {leader.Record.View.HeldoutScore}, reward {leader.Record.RewardSats} sat, validation {leader.Record.EvalTime.TotalMilliseconds:0} ms");
        Assert.True(leader.Record.Accepted);
        Assert.True(leader.Record.RewardSats > 0);
        Assert.Equal("refunded", leader.Record.DepositMoney);
        Assert.NotEqual("none", leader.Record.View.Reward);
    }
}
