using L402Train.Lightning;
using L402Train.Runtime;

namespace L402Train.Grains.Workers;

/// <summary>What a worker has delivered: its registration's <c>best_val_bpb</c> and count, and the board's figures.</summary>
[GenerateSerializer, Alias("l402.WorkerStats")]
public sealed record WorkerStats
{
    /// <summary>Experiments delivered with metrics.</summary>
    [Id(0)] public long Completed { get; init; }

    /// <summary>Experiments delivered whose code failed.</summary>
    [Id(1)] public long Failed { get; init; }

    /// <summary>Experiments abandoned (refunded).</summary>
    [Id(2)] public long Abandoned { get; init; }

    /// <summary>The lowest <c>val_bpb</c> delivered.</summary>
    [Id(3)] public double? BestValBpb { get; init; }

    /// <summary>The experiment that delivered it.</summary>
    [Id(4)] public string? BestExperimentId { get; init; }

    /// <summary>Sats of delivered experiments (settled).</summary>
    [Id(5)] public Sats EarnedSat { get; init; }

    /// <summary>Wall seconds of delivered runs, summed.</summary>
    [Id(6)] public double RunSeconds { get; init; }

    /// <summary>Delivered experiments (completed and failed).</summary>
    public long Delivered => Completed + Failed;
}

/// <summary>The worker's running totals (one grain per worker silo's store, key <see cref="Key"/>).</summary>
[Alias("l402.IWorkerStatsGrain")]
public interface IWorkerStatsGrain : IGrainWithStringKey
{
    /// <summary>The key of the one instance.</summary>
    const string Key = "worker";

    /// <summary>Counts one finished experiment.</summary>
    Task RecordAsync(ExperimentFiling filing, ExperimentOutcome outcome);

    /// <summary>The totals.</summary>
    Task<WorkerStats> GetAsync();
}

/// <inheritdoc cref="IWorkerStatsGrain"/>
[GrainType("worker-stats")]
internal sealed class WorkerStatsGrain([PersistentState("stats")] IPersistentState<WorkerStats> stats) : OutboxGrain, IWorkerStatsGrain
{
    /// <inheritdoc/>
    public async Task RecordAsync(ExperimentFiling filing, ExperimentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(filing);
        ArgumentNullException.ThrowIfNull(outcome);
        var s = stats.State;
        s = outcome.Stage switch
        {
            ExperimentStage.Completed => s with { Completed = s.Completed + 1, EarnedSat = s.EarnedSat + filing.PriceSat, RunSeconds = s.RunSeconds + (outcome.RunSeconds ?? 0) },
            ExperimentStage.Failed => s with { Failed = s.Failed + 1, EarnedSat = s.EarnedSat + filing.PriceSat, RunSeconds = s.RunSeconds + (outcome.RunSeconds ?? 0) },
            _ => s with { Abandoned = s.Abandoned + 1 },
        };
        if (outcome.Metrics?.TryGetValue("val_bpb", out var bpb) == true && double.IsFinite(bpb) && (s.BestValBpb is null || bpb < s.BestValBpb))
            s = s with { BestValBpb = bpb, BestExperimentId = filing.ExperimentId };
        stats.State = s;
        await stats.WriteStateAsync();
    }

    /// <inheritdoc/>
    public Task<WorkerStats> GetAsync() => Task.FromResult(stats.State);
}
