using L402Train.Grains.Training;
using L402Train.Model.Gpt;
using L402Train.Model.Inference;

namespace L402Train.Gateway.Inference;

/// <summary>
/// The generator over the training run's latest checkpoint: loaded from the blob store once per
/// version and kept until a newer version is published, so a completion never pays for a load
/// the previous one already did.
/// </summary>
internal sealed class ServedModel(IGrainFactory grains, ICheckpointStore checkpoints, TrainingSetup setup)
{
    private readonly SemaphoreSlim loading = new(1, 1);
    private volatile Loaded? current;

    /// <summary>A checkpoint version and its generator.</summary>
    public sealed record Loaded(int Version, GptGenerator Generator);

    /// <summary>The generator of the newest checkpoint, or null when the run has none yet.</summary>
    public async Task<Loaded?> GetAsync(CancellationToken cancellationToken)
    {
        var run = await grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).GetAsync();
        if (run.Latest is not { } latest) return null;
        if (current is { } ready && ready.Version == latest.Version) return ready;
        await loading.WaitAsync(cancellationToken);
        try
        {
            if (current is { } raced && raced.Version == latest.Version) return raced;
            var weights = await checkpoints.LoadAsync(latest, cancellationToken);
            // One kernel thread per sequence: concurrency comes from serving several completions at once.
            var model = GptModel.FromParameters(setup.Config, weights, threads: 1);
            return current = new Loaded(latest.Version, new GptGenerator(model, threads: 1));
        }
        finally
        {
            loading.Release();
        }
    }
}
