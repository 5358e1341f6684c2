using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Training;
using Xunit;

namespace L402Train.Bounties.Tests.Flow;

/// <summary>An agent that lost its connection and submits its diff again is not a copier of itself.</summary>
public sealed class ResubmissionTests
{
    [Fact]
    public async Task The_same_diff_resubmitted_by_the_same_agent_is_not_copied_and_a_copy_by_another_agent_is()
    {
        await using var h = await BountyHarness.StartAsync(validators: false);
        var id = await h.PostAndFundAsync(h.Terms());
        var diff = Edits.Diff(h.BaselineConfig, Edits.Tuned(h.BaselineConfig));
        var original = await h.SubmitAsync(id, diff, baseVersion: 0, payer: h.Alice);
        var resubmitted = await h.SubmitAsync(id, diff, baseVersion: 0, payer: h.Alice);
        var copy = await h.SubmitAsync(id, diff, baseVersion: 0, payer: h.Mallory);
        h.Validators = true;
        await h.Cluster.RestartSiloAsync(0);

        var alices = new[] { await h.SettledAsync(original), await h.SettledAsync(resubmitted) };
        var copied = await h.SettledAsync(copy);

        // Both of Alice's are judged on their merits: the same improvement, so whichever validation
        // merges first is accepted and the other is superseded (the version moved): a refund.
        Assert.Single(alices, s => s.Verdict!.Reason == BountyVerdictReason.Accepted);
        var again = Assert.Single(alices, s => s.Verdict!.Reason == BountyVerdictReason.Superseded);
        Assert.Null(again.Verdict!.CreditedTo);
        Assert.Equal(DepositStatus.Refunded, again.Deposit);
        Assert.Equal(BountyVerdictReason.Copied, copied.Verdict!.Reason);
        Assert.Equal(original, copied.Verdict.CreditedTo);
        Assert.Equal(DepositStatus.Forfeited, copied.Deposit);
    }
}
