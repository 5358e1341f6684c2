using L402Train.Gateway.Apis;
using L402Train.Testing;
using Xunit;

namespace L402Train.Bounties.Tests.Http;

/// <summary>
/// <c>POST /bounty/{id}/submit</c>'s wait for the verdict: it re-reads the submission (never holding its grain's turn)
/// on the injected clock, answering as soon as a verdict is read and giving up after <see cref="BountyApi.SubmitWait"/>.
/// </summary>
public sealed class SubmitWaitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_submit_wait_answers_on_the_first_read_that_finds_the_verdict()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var reads = 0;

        var waiting = SubmissionEndpoints.WaitForVerdictAsync("validating", () => { reads++; return Task.FromResult("accepted"); },
            s => s != "validating", BountyApi.SubmitWait.TotalSeconds, time, Ct);
        time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal("accepted", await waiting.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System, Ct));
        Assert.Equal(1, reads);
        Assert.Equal(TimeSpan.FromMilliseconds(100), time.GetUtcNow() - start);
    }

    [Fact]
    public async Task The_submit_wait_gives_up_after_thirty_seconds_of_the_injected_clock_so_the_answer_is_202()
    {
        var time = new FakeTimeProvider();

        var waiting = SubmissionEndpoints.WaitForVerdictAsync("validating", () => Task.FromResult("validating"),
            s => s != "validating", BountyApi.SubmitWait.TotalSeconds, time, Ct);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal("validating", await waiting.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System, Ct));
        Assert.Equal(TimeSpan.FromSeconds(30), BountyApi.SubmitWait);
    }
}
