using System.Collections.Concurrent;
using L402Train.Runtime;
using L402Train.Testing;

namespace L402Train.Grains.Tests.Runtime;

public sealed class JobTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Job outcomes reported by every silo, with waits for a number of matching ones.</summary>
    private sealed class Outcomes
    {
        private readonly ConcurrentQueue<JobOutcome> seen = new();
        private readonly List<(Func<JobOutcome, bool> Match, int Count, TaskCompletionSource Done)> waiters = [];

        public IReadOnlyCollection<JobOutcome> Seen => seen;

        public void Report(JobOutcome outcome)
        {
            seen.Enqueue(outcome);
            lock (waiters)
            {
                foreach (var (match, count, done) in waiters)
                    if (seen.Count(match) >= count) done.TrySetResult();
            }
        }

        public Task WaitFor(Func<JobOutcome, bool> match, int count = 1)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (waiters)
            {
                waiters.Add((match, count, done));
                if (seen.Count(match) >= count) done.TrySetResult();
            }
            return done.Task.WaitAsync(Patience);
        }
    }

    private static void Observe(TestCluster cluster, Outcomes outcomes)
    {
        for (var i = 0; i < cluster.Count; i++) cluster.Silo(i).JobFinished += outcomes.Report;
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Each_job_runs_once_although_three_silos_compete(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var effects = new ConcurrentDictionary<string, int>();
        var outcomes = new Outcomes();
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 3, s => s.AddJobHandler("effect", (job, _) =>
        {
            effects.AddOrUpdate(job.UniqueKey, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }));
        Observe(cluster, outcomes);

        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => cluster.Silo(i % 3).EnqueueJobAsync(JobRequest.Create("effect", $"e{i}", i))));
        await outcomes.WaitFor(o => o.Kind == JobOutcomeKind.Completed, 60);

        Assert.Equal(60, effects.Count);
        Assert.All(effects.Values, n => Assert.Equal(1, n));
        Assert.Equal(60, outcomes.Seen.Count);
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_job_whose_silo_is_killed_mid_run_is_rescued_after_its_lease_and_its_effect_happens_once(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var clock = new FakeTimeProvider();
        var runs = new ConcurrentQueue<(int Attempt, string Silo)>();
        var firstRunApplied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcomes = new Outcomes();
        var log = new RecordingLoggerFactory();
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 3, s => s
            .UseLogging(log)
            .AddJobHandler("pay", async (job, ct) =>
            {
                runs.Enqueue((job.Attempt, job.SiloId));
                await job.Grains.GetGrain<IEffectGrain>("wallet").Apply(job.UniqueKey);
                if (job.Attempt == 1)
                {
                    // Dies after the effect and before completion is recorded: the worst moment.
                    firstRunApplied.SetResult();
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                }
            })
            .Configure(o => (o.Jobs.Lease, o.Jobs.HeartbeatInterval, o.Jobs.RescueInterval) = (TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5))), clock);
        Observe(cluster, outcomes);

        await cluster.Silo(0).EnqueueJobAsync(JobRequest.Create("pay", "hash-1", 1000));
        await firstRunApplied.Task.WaitAsync(Patience);
        var victimName = runs.Single().Silo;
        var victim = Enumerable.Range(0, cluster.Count).Single(i => cluster.Silo(i).Id == victimName);
        await cluster.KillSiloAsync(victim);
        clock.Advance(TimeSpan.FromSeconds(40));
        // Time keeps moving as in production. On PostgreSQL a claim woken by one silo's rescue can
        // SKIP LOCKED the row while the other silo's concurrent rescue UPDATE briefly locks it (and
        // then changes nothing, so it wakes nobody): the next poll picks the job up.
        var done = outcomes.WaitFor(o => o.Kind == JobOutcomeKind.Completed);
        for (var second = 0; second < 60 && !done.IsCompleted; second++)
        {
            await Task.WhenAny(done, Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System));
            if (!done.IsCompleted) clock.Advance(TimeSpan.FromSeconds(1));
        }
        await done.ContinueWith(_ => { }, TaskScheduler.Default);
        var state = await cluster.Store.FindJobAsync("pay", "hash-1");
        Assert.True(outcomes.Seen.Count == 1, $"{state} {clock.GetUtcNow()}\n{string.Join("\n", log.Lines)}");
        var rescued = outcomes.Seen.Single();
        Assert.Equal(2, rescued.Job.Attempt);
        Assert.NotEqual(victimName, runs.Last().Silo);
        var survivor = (victim + 1) % 3;
        Assert.Equal(1, await cluster.GrainFactory(survivor).GetGrain<IEffectGrain>("wallet").Applied());
        var record = await cluster.Store.FindJobAsync("pay", "hash-1");
        Assert.Equal(JobState.Completed, record!.State);
    }

    private sealed class RecordingLoggerFactory : Microsoft.Extensions.Logging.ILoggerFactory, Microsoft.Extensions.Logging.ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider) { }

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

        public void Dispose() { }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}");
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_scheduled_job_fires_at_its_run_at_under_a_fake_clock(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var clock = new FakeTimeProvider();
        var outcomes = new Outcomes();
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 1, s => s
            .AddJobHandler("remind", (_, _) => Task.CompletedTask)
            .AddJobHandler("probe", (_, _) => Task.CompletedTask), clock);
        Observe(cluster, outcomes);
        var silo = cluster.Silo(0);
        var runAt = clock.GetUtcNow().AddHours(1);
        await silo.EnqueueJobAsync(JobRequest.Create("remind", "round-7:close", 7, runAt));

        clock.Advance(TimeSpan.FromMinutes(59));
        await silo.EnqueueJobAsync(JobRequest.Create("probe", "p1", 0));
        await outcomes.WaitFor(o => o.Job.Type == "probe");
        var early = await cluster.Store.FindJobAsync("remind", "round-7:close");
        Assert.Equal((JobState.Available, 0), (early!.State, early.Attempt));

        clock.Advance(TimeSpan.FromMinutes(1));
        silo.WakeJobWorkers();
        await outcomes.WaitFor(o => o.Job.Type == "remind" && o.Kind == JobOutcomeKind.Completed);
        Assert.Equal(runAt, outcomes.Seen.Single(o => o.Job.Type == "remind").Job.RunAt);
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_job_is_dead_lettered_with_its_last_error_after_max_attempts(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var outcomes = new Outcomes();
        await using var cluster = await TestCluster.StartAsync(scratch.Store, 2, s => s
            .AddJobHandler("flaky", (job, _) => throw new InvalidOperationException($"node unreachable on attempt {job.Attempt}"))
            .Configure(o => o.Jobs.RetryBaseDelay = TimeSpan.FromMilliseconds(1)));
        Observe(cluster, outcomes);

        await cluster.Silo(0).EnqueueJobAsync(JobRequest.Create("flaky", "f1", 0, maxAttempts: 3));
        await outcomes.WaitFor(o => o.Kind == JobOutcomeKind.Dead);

        Assert.Equal([JobOutcomeKind.Retrying, JobOutcomeKind.Retrying, JobOutcomeKind.Dead], outcomes.Seen.Select(o => o.Kind));
        var dead = await cluster.Store.FindJobAsync("flaky", "f1");
        Assert.Equal(JobState.Dead, dead!.State);
        Assert.Equal(3, dead.Attempt);
        Assert.Equal("InvalidOperationException: node unreachable on attempt 3", dead.LastError);
    }

    [Fact]
    public async Task A_failed_job_retries_after_an_exponential_jittered_delay()
    {
        var clock = new FakeTimeProvider();
        var outcomes = new Outcomes();
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, s => s
            .AddJobHandler("flaky", (job, _) => job.Attempt < 2 ? throw new TimeoutException("slow") : Task.CompletedTask)
            .Configure(o => o.Jobs.RetryBaseDelay = TimeSpan.FromMinutes(1)), clock);
        Observe(cluster, outcomes);
        var start = clock.GetUtcNow();

        await cluster.Silo(0).EnqueueJobAsync(JobRequest.Create("flaky", "x", 0));
        await outcomes.WaitFor(o => o.Kind == JobOutcomeKind.Retrying);
        var retry = await cluster.Store.FindJobAsync("flaky", "x");
        Assert.InRange(retry!.RunAt - start, TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(72));

        clock.Advance(TimeSpan.FromSeconds(73));
        cluster.Silo(0).WakeJobWorkers();
        await outcomes.WaitFor(o => o.Kind == JobOutcomeKind.Completed);
    }

    [Fact]
    public void Retry_delays_double_within_twenty_percent_and_stay_capped()
    {
        var options = new JobWorkerOptions { RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromMinutes(5) };
        var property = FsCheck.Fluent.Prop.ForAll(FsCheck.Fluent.Arb.From(FsCheck.Fluent.Gen.Choose(1, 60)), attempt =>
        {
            var expected = Math.Min(Math.Pow(2, attempt - 1), 300);
            var delay = options.RetryDelay(attempt).TotalSeconds;
            return delay >= expected * 0.8 - 1e-9 && delay <= expected * 1.2 + 1e-9;
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }
}
