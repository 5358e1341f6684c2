using L402Train.Runtime;

namespace L402Train.Grains.Training;

/// <summary>One checkpoint version in the blob store.</summary>
/// <param name="Version">0 for the initial model, then one per aggregated round.</param>
/// <param name="BlobHash">SHA-256 of the safetensors file.</param>
/// <param name="Bytes">File size.</param>
/// <param name="FromRound">The round whose aggregation produced it (0 for the initial model).</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="MomentumBlobHash">The outer momentum buffer after the step that produced it (a safetensors blob); null with plain SGD.</param>
[GenerateSerializer, Immutable, Alias("l402.CheckpointRef")]
public sealed record CheckpointRef(int Version, string BlobHash, long Bytes, int FromRound, DateTimeOffset CreatedAt, string? MomentumBlobHash = null);

/// <summary>The training run: which round is open and every checkpoint version.</summary>
[GenerateSerializer, Alias("l402.TrainingRunState")]
public sealed record TrainingRunState
{
    /// <summary>True once the initial checkpoint exists and round 1 is open.</summary>
    [Id(0)]
    public bool Started { get; init; }

    /// <summary>The round accepting gradients.</summary>
    [Id(1)]
    public int CurrentRound { get; init; }

    /// <summary>Checkpoint versions, oldest first.</summary>
    [Id(2)]
    public List<CheckpointRef> Checkpoints { get; init; } = [];

    /// <summary>The newest checkpoint.</summary>
    public CheckpointRef? Latest => Checkpoints.Count == 0 ? null : Checkpoints[^1];
}

/// <summary>The training run (one per coordinator, key <see cref="TrainingRunGrain.MainKey"/>).</summary>
[Alias("l402.ITrainingRunGrain")]
public interface ITrainingRunGrain : IGrainWithStringKey
{
    /// <summary>Registers the initial checkpoint and opens round 1 (idempotent).</summary>
    Task<TrainingRunState> StartAsync(CheckpointRef initial);

    /// <summary>The run's state.</summary>
    Task<TrainingRunState> GetAsync();

    /// <summary>Records the checkpoint aggregation of <paramref name="fromRound"/> produced and opens the next round (idempotent).</summary>
    Task<TrainingRunState> AdvanceAsync(int fromRound, CheckpointRef next);
}

/// <inheritdoc cref="ITrainingRunGrain"/>
[GrainType("training-run")]
public sealed class TrainingRunGrain([PersistentState("run")] IPersistentState<TrainingRunState> run, RewardSchedule schedule) : OutboxGrain, ITrainingRunGrain
{
    /// <summary>The key of the coordinator's run.</summary>
    public const string MainKey = "main";

    /// <inheritdoc/>
    public async Task<TrainingRunState> StartAsync(CheckpointRef initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        if (run.State.Started) return run.State;
        run.State = new TrainingRunState { Started = true, CurrentRound = 1, Checkpoints = [initial] };
        await run.WriteStateAsync();
        await OpenRound(1, initial);
        return run.State;
    }

    /// <inheritdoc/>
    public Task<TrainingRunState> GetAsync() => Task.FromResult(run.State);

    /// <inheritdoc/>
    public async Task<TrainingRunState> AdvanceAsync(int fromRound, CheckpointRef next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (run.State.CurrentRound == fromRound)
        {
            run.State = run.State with { CurrentRound = fromRound + 1, Checkpoints = [.. run.State.Checkpoints, next] };
            await run.WriteStateAsync();
        }
        // Opening is idempotent, so a retry after a crash between the write and here still opens it.
        if (run.State.CurrentRound == fromRound + 1) await OpenRound(fromRound + 1, run.State.Latest!);
        return run.State;
    }

    private Task OpenRound(int number, CheckpointRef checkpoint) =>
        GrainFactory.GetGrain<IRoundGrain>(number)
            .OpenAsync(checkpoint.Version, checkpoint.BlobHash, TimeProvider.GetUtcNow() + schedule.RoundDuration);
}
