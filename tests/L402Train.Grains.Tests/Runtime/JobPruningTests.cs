using L402Train.Runtime;

namespace L402Train.Grains.Tests.Runtime;

public sealed class JobPruningTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Prunes_completed_jobs_finished_before_the_cutoff_oldest_first_and_keeps_dead_and_pending_ones(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        for (var i = 0; i < 6; i++) await store.EnqueueAsync(JobRequest.Create("fee", $"f{i}", i), Now);
        var claimed = (await store.ClaimJobsAsync(new JobClaim("w", ["fee"], 5, Now, Now.AddSeconds(30)))).OrderBy(c => c.Id).ToList();
        // f0, f1 finished on day 0; f2 on day 10; f3 died on day 0; f4 still runs; f5 was never claimed.
        await store.CompleteJobsAsync([claimed[0].Id, claimed[1].Id], "w", Now);
        await store.CompleteJobsAsync([claimed[2].Id], "w", Now.AddDays(10));
        await store.FailJobAsync(claimed[3].Id, "w", "out of attempts", retryAt: null, Now);

        Assert.Equal(1, await store.PruneCompletedJobsAsync(Now.AddDays(5), limit: 1));
        Assert.Equal(1, await store.PruneCompletedJobsAsync(Now.AddDays(5), limit: 10));
        Assert.Equal(0, await store.PruneCompletedJobsAsync(Now.AddDays(5), limit: 10));

        Assert.Null(await store.FindJobAsync("fee", "f0"));
        Assert.Null(await store.FindJobAsync("fee", "f1"));
        Assert.Equal(JobState.Completed, (await store.FindJobAsync("fee", "f2"))!.State);
        Assert.Equal(JobState.Dead, (await store.FindJobAsync("fee", "f3"))!.State);
        Assert.Equal(JobState.Running, (await store.FindJobAsync("fee", "f4"))!.State);
        Assert.Equal(JobState.Available, (await store.FindJobAsync("fee", "f5"))!.State);
        // Past the retention a unique key is free again: that is the bound the retention must respect.
        Assert.True(await store.EnqueueAsync(JobRequest.Create("fee", "f0", 0), Now.AddDays(6)));
    }
}
