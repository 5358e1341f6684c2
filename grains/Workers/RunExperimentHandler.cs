using L402Train.Runtime;
using Microsoft.Extensions.Logging;

namespace L402Train.Grains.Workers;

/// <summary>
/// <c>experiment.run</c> (worker role): starts the experiment, runs it, delivers the result (which queues the
/// settle job). When the worker itself fails — the runner throws, or the worker's deadline passes — the
/// experiment is abandoned (which queues the cancel job). When the silo dies mid-run the job's lease
/// lapses and it runs again, here or on another worker silo; <see cref="IExperimentGrain.StartAsync"/> then
/// finds the experiment running and abandons it, so a crash is refunded within a lease, never at HTLC expiry.
/// </summary>
internal sealed class RunExperimentHandler(IExperimentRunner runner, WorkerOptions options, ILogger<RunExperimentHandler> logger) : IJobHandler
{
    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var grain = job.Grains.GetGrain<IExperimentGrain>(job.Payload<ExperimentRunJob>().PaymentHash.ToHex());
        var start = await grain.StartAsync();
        if (start == ExperimentStart.Abandoned) WorkerMetrics.ExperimentFinished("abandoned", TimeSpan.Zero);
        if (start != ExperimentStart.Run) return;
        var filing = (await grain.GetAsync()).Filing!;
        using var deadline = new CancellationTokenSource(options.RunDeadline, job.Time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var began = job.Time.GetTimestamp();
        ExperimentOutcome outcome;
        try
        {
            outcome = await runner.RunAsync(filing, either.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping: the job fails and runs again, and that run abandons the experiment.
            throw;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            WorkerMetrics.ExperimentFinished("abandoned", job.Time.GetElapsedTime(began));
            await grain.AbandonAsync($"the worker did not finish within its deadline of {options.RunDeadline.TotalSeconds:0} s; the payment is refunded");
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The worker failed (not the experiment's code, whose failures are outcomes): refund, and say why in the log.
            logger.LogError(ex, "Experiment {ExperimentId} could not be run; abandoning it and refunding the buyer.", filing.ExperimentId);
            WorkerMetrics.ExperimentFinished("abandoned", job.Time.GetElapsedTime(began));
            await grain.AbandonAsync($"the worker failed to run the experiment ({ex.GetType().Name}); the payment is refunded");
            return;
        }
        await grain.DeliverAsync(outcome);
        WorkerMetrics.ExperimentFinished(outcome.Stage == ExperimentStage.Completed ? "completed" : "failed", job.Time.GetElapsedTime(began));
    }
}
