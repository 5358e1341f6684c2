using L402Train.Attacks.Arena;
using L402Train.PeerAgent.Bounties;
using L402Train.Protocol.Bounties;
using Xunit;

namespace L402Train.Attacks.Tests;

/// <summary>What counts as refused: the bench's attacks_refused and the attack tests both read it.</summary>
public sealed class AttackResultTests
{
    private static readonly Attack Dishonest = AttackCatalog.Named("hard-coded-public-answers");

    [Fact]
    public void A_rejected_unpaid_attack_that_lost_its_deposit_is_refused()
    {
        var result = Result(Dishonest, Submission("suspicious_gap", reward: 0, money: "forfeited"));

        Assert.True(result.Refused);
        Assert.Equal(("suspicious_gap", "forfeited", 1), (result.Verdict, result.DepositOutcome, result.DepositsForfeited));
    }

    [Fact]
    public void An_accepted_or_paid_attack_is_not_refused()
    {
        Assert.False(Result(Dishonest, Submission("accepted", reward: 5_000, money: "refunded")).Refused);
        Assert.False(Result(Dishonest, Submission("not_improved", reward: 0, money: "forfeited"), Submission("accepted", reward: 0, money: "refunded")).Refused);
    }

    [Fact]
    public void A_dishonest_attack_that_got_a_deposit_back_is_not_refused()
    {
        var result = Result(Dishonest, Submission("superseded", reward: 0, money: "refunded"));

        Assert.False(result.Refused);
        Assert.Equal("refunded", result.DepositOutcome);
    }

    [Fact]
    public void An_attack_that_did_nothing_is_not_counted_as_refused()
    {
        Assert.False(new AttackResult(Dishonest, [], [], SpentSats: 0, TimeSpan.Zero).Refused);
        Assert.True(new AttackResult(Dishonest, [], ["unpaid deposit: 402"], SpentSats: 10, TimeSpan.Zero).Refused);
    }

    [Fact]
    public void The_report_prints_the_totals_a_bench_reads()
    {
        var report = new AttackSuiteReport(
            [Result(Dishonest, Submission("suspicious_gap", 0, "forfeited")), Result(Dishonest, Submission("accepted", 8_000, "refunded"))], Leader: null);

        var lines = report.Lines().ToList();
        Assert.Contains("attacks_total=2", lines);
        Assert.Contains("attacks_refused=1", lines);
        Assert.Contains("attack_rewards_paid_sats=8000", lines);
        Assert.Contains(lines, l => l.StartsWith("attack_hard_coded_public_answers=refused:true verdict:suspicious_gap", StringComparison.Ordinal));
    }

    private static AttackResult Result(Attack attack, params SubmissionRecord[] submissions) =>
        new(attack, submissions, [], SpentSats: 10 + (submissions.Count(s => s.DepositMoney == "forfeited") * 1_000), TimeSpan.FromSeconds(1));

    private static SubmissionRecord Submission(string reason, long reward, string money)
    {
        var status = reason == "accepted" ? "accepted" : "rejected";
        var view = new BountySubmissionView("s", "b", "a", 0, status, reason, null, null, null, null, null, reward, 0, money, true, "none", null, null, 1, null,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        var filed = new FiledSubmission(new BountySubmissionAccepted("s", "b", "validating", null), "L402 m:", "s", 1_000, null);
        return new SubmissionRecord("a", "s", status, reason, null, reward, money, money, TimeSpan.FromMilliseconds(50), filed, view);
    }
}
