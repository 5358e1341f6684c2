using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.Silo.Hosting;
using L402Train.Testing;
using Xunit;

namespace L402Train.Training.Tests.Money;

/// <summary>
/// Validation holds a job runner for as long as it computes; a settle or refund must not queue
/// behind it. The training composition puts validation and aggregation in a lane of their own.
/// </summary>
public class JobLaneTests
{
    [Fact]
    public async Task A_deposit_job_runs_while_validations_hold_every_runner_of_their_lane()
    {
        var release = new TaskCompletionSource();
        var settled = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var validating = 0;
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, silo => silo
            .AddJobHandler(TrainingJobTypes.ValidateSubmission, async (_, ct) =>
            {
                Interlocked.Increment(ref validating);
                started.TrySetResult();
                await release.Task.WaitAsync(ct);
            })
            .AddJobHandler(PaymentJobTypes.SettleDeposit, (_, _) =>
            {
                settled.TrySetResult();
                return Task.CompletedTask;
            })
            .Configure(o =>
            {
                o.Jobs.Concurrency = 1;
                o.Jobs.Prefetch = 0;
                o.Jobs.Lanes[TrainingJobTypes.ValidateSubmission] = TrainingComposition.ComputeLane;
            }));
        var silo = cluster.Silo(0);
        try
        {
            for (var i = 0; i < 3; i++) await silo.EnqueueJobAsync(JobRequest.Create(TrainingJobTypes.ValidateSubmission, $"s{i}", new SubmissionJob($"s{i}")), TestContext.Current.CancellationToken);
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            await silo.EnqueueJobAsync(JobRequest.Create(PaymentJobTypes.SettleDeposit, "h", new SubmissionJob("h")), TestContext.Current.CancellationToken);

            await settled.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Equal(1, Volatile.Read(ref validating)); // the only compute runner is still held
        }
        finally
        {
            release.TrySetResult();
        }
    }
}
