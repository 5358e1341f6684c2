using L402Train.Runtime;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>The grouped read behind the job queue gauges, the same on every store.</summary>
public sealed class JobStatisticsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Counts_queued_running_and_dead_jobs_by_type_and_dates_the_oldest_due_one(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        // "fee": f0 due 3 minutes ago, f1 due 1 minute ago, f2 due in 10 minutes; f3 and f4 claimed, f4 then dead; f5 completed.
        await store.EnqueueAsync(JobRequest.Create("fee", "f0", 0, runAt: Now.AddMinutes(-3)), Now.AddMinutes(-3));
        await store.EnqueueAsync(JobRequest.Create("fee", "f1", 1, runAt: Now.AddMinutes(-1)), Now.AddMinutes(-3));
        await store.EnqueueAsync(JobRequest.Create("fee", "f2", 2, runAt: Now.AddMinutes(10)), Now.AddMinutes(-3));
        for (var i = 3; i < 6; i++) await store.EnqueueAsync(JobRequest.Create("work", $"w{i}", i, runAt: Now.AddMinutes(-5)), Now.AddMinutes(-5));
        var claimed = (await store.ClaimJobsAsync(new JobClaim("worker-1", ["work"], 3, Now, Now.AddSeconds(30)))).OrderBy(c => c.Id).ToList();
        Assert.Equal(3, claimed.Count);
        Assert.True(await store.FailJobAsync(claimed[1].Id, "worker-1", "out of attempts", retryAt: null, Now));
        Assert.Single(await store.CompleteJobsAsync([claimed[2].Id], "worker-1", Now));

        var statistics = await store.GetJobStatisticsAsync(Now);

        Assert.Equal(["fee", "work"], statistics.Select(s => s.Type));
        var fee = statistics[0];
        Assert.Equal((3L, 0L, 0L), (fee.Queued, fee.Running, fee.Dead));
        Assert.Equal(Now.AddMinutes(-3), fee.OldestDue);
        Assert.Equal(TimeSpan.FromMinutes(3), fee.Lag(Now));
        var work = statistics[1];
        Assert.Equal((0L, 1L, 1L, (DateTimeOffset?)null), (work.Queued, work.Running, work.Dead, work.OldestDue));
        Assert.Equal(TimeSpan.Zero, work.Lag(Now));
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Leaves_out_types_whose_jobs_all_completed(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        await store.EnqueueAsync(JobRequest.Create("done", "d0", 0), Now);
        var claimed = Assert.Single(await store.ClaimJobsAsync(new JobClaim("worker-1", ["done"], 1, Now, Now.AddSeconds(30))));
        Assert.Single(await store.CompleteJobsAsync([claimed.Id], "worker-1", Now));

        Assert.Empty(await store.GetJobStatisticsAsync(Now));
    }
}
