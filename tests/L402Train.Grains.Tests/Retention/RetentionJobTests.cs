using System.Collections.Concurrent;
using L402Train.Grains.Retention;
using L402Train.Runtime;
using L402Train.Grains.Tests.Runtime;
using L402Train.Testing;

namespace L402Train.Grains.Tests.Retention;

public sealed class RetentionJobTests
{
    private sealed class RecordingSweep : IRetentionSweep
    {
        public ConcurrentQueue<DateTimeOffset> Cutoffs { get; } = new();

        public Task<int> SweepAsync(IGrainFactory grains, DateTimeOffset before, CancellationToken cancellationToken)
        {
            Cutoffs.Enqueue(before);
            return Task.FromResult(0);
        }
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Completed_jobs_go_once_older_than_the_retention_and_each_run_schedules_the_next(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        var clock = new FakeTimeProvider();
        var now = clock.GetUtcNow();
        var options = new RetentionOptions { Retention = TimeSpan.FromDays(30), BatchSize = 2 };
        // Five jobs finished 31 days ago, one a day ago, one died 31 days ago.
        for (var i = 0; i < 7; i++) await store.EnqueueAsync(JobRequest.Create("work", $"w{i}", i), now.AddDays(-32));
        var claimed = (await store.ClaimJobsAsync(new JobClaim("seed", ["work"], 7, now.AddDays(-32), now.AddDays(-31)))).OrderBy(c => c.Id).ToList();
        await store.CompleteJobsAsync([.. claimed.Take(5).Select(c => c.Id)], "seed", now.AddDays(-31));
        await store.CompleteJobsAsync([claimed[5].Id], "seed", now.AddDays(-1));
        await store.FailJobAsync(claimed[6].Id, "seed", "gave up", retryAt: null, now.AddDays(-31));

        var sweep = new RecordingSweep();
        var done = new TaskCompletionSource<JobOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var cluster = await TestCluster.StartAsync(store, 1, s => s
            .AddJobHandler(RetentionJob.Type, new RetentionJobHandler(store, options, [sweep])), clock);
        var run = RetentionJob.At(now, options.Interval);
        cluster.Silo(0).JobFinished += outcome =>
        {
            if (outcome.Job.UniqueKey == run.UniqueKey) done.TrySetResult(outcome);
        };
        Assert.True(await cluster.Silo(0).EnqueueJobAsync(run));
        var outcome = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(outcome.Kind == JobOutcomeKind.Completed, outcome.Error);
        for (var i = 0; i < 5; i++) Assert.Null(await store.FindJobAsync("work", $"w{i}"));
        Assert.Equal(JobState.Completed, (await store.FindJobAsync("work", "w5"))!.State);
        Assert.Equal(JobState.Dead, (await store.FindJobAsync("work", "w6"))!.State);
        Assert.Equal(now - TimeSpan.FromDays(30), Assert.Single(sweep.Cutoffs));
        var next = await store.FindJobAsync(RetentionJob.Type, RetentionJob.At(now + options.Interval, options.Interval).UniqueKey);
        Assert.Equal((JobState.Available, now + options.Interval), (next!.State, next.RunAt));
        Assert.False(await cluster.Silo(0).EnqueueJobAsync(run), "a slot runs once");
    }

    [Fact]
    public void A_retention_under_a_day_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetentionOptions { Retention = TimeSpan.FromHours(23) }.Validate());
    }
}
