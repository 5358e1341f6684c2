using L402Train.Runtime;
using L402Train.Testing;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>A handler that owns money hears at once when its job dies, so nothing waits for an HTLC to expire.</summary>
public sealed class DeadLetterHookTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private sealed class AlwaysFails(bool hookFails = false) : IJobHandler, IDeadLetterHandler
    {
        public List<(string Key, int Attempt, string Error)> DeadLetters { get; } = [];

        public Task HandleAsync(JobContext job, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"validator broken on attempt {job.Attempt}");

        public Task OnDeadLetterAsync(JobContext job, string lastError, CancellationToken cancellationToken)
        {
            lock (DeadLetters) DeadLetters.Add((job.UniqueKey, job.Attempt, lastError));
            return hookFails ? throw new TimeoutException("the store is down too") : Task.CompletedTask;
        }
    }

    private static Task<JobOutcome> Next(TestSilo silo, Func<JobOutcome, bool> match)
    {
        var seen = new TaskCompletionSource<JobOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        silo.JobFinished += o => { if (match(o)) seen.TrySetResult(o); };
        return seen.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_handler_hears_once_that_its_job_died_with_the_last_error_and_never_on_a_retry()
    {
        var handler = new AlwaysFails();
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, s => s
            .AddJobHandler("validate", handler)
            .Configure(o => o.Jobs.RetryBaseDelay = TimeSpan.FromMilliseconds(1)));
        var dead = Next(cluster.Silo(0), o => o.Kind == JobOutcomeKind.Dead);

        await cluster.Silo(0).EnqueueJobAsync(JobRequest.Create("validate", "s1", 0, maxAttempts: 3));
        await dead;

        var call = Assert.Single(handler.DeadLetters);
        Assert.Equal(("s1", 3, "InvalidOperationException: validator broken on attempt 3"), call);
    }

    [Fact]
    public async Task A_failing_dead_letter_hook_leaves_the_job_dead_and_the_worker_running()
    {
        var handler = new AlwaysFails(hookFails: true);
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, s => s
            .AddJobHandler("validate", handler)
            .AddJobHandler("next", (_, _) => Task.CompletedTask));
        var silo = cluster.Silo(0);
        var dead = Next(silo, o => o.Kind == JobOutcomeKind.Dead);

        await silo.EnqueueJobAsync(JobRequest.Create("validate", "s1", 0, maxAttempts: 1));
        await dead;
        var next = Next(silo, o => o.Job.Type == "next" && o.Kind == JobOutcomeKind.Completed);
        await silo.EnqueueJobAsync(JobRequest.Create("next", "n1", 0));
        await next;

        Assert.Single(handler.DeadLetters);
        Assert.Equal(JobState.Dead, (await cluster.Store.FindJobAsync("validate", "s1"))!.State);
    }
}
