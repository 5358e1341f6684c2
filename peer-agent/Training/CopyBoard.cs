using System.Collections.Concurrent;

namespace L402Train.PeerAgent.Training;

/// <summary>
/// Where honest peers' payloads become visible to others, as gradients are in public storage in
/// Templar-style networks: the copycat profile reads from it. In-process (the demo and tests).
/// </summary>
public sealed class CopyBoard
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource<byte[]>> rounds = new();

    /// <summary>Publishes a payload for a round (the first one wins).</summary>
    public void Publish(int round, byte[] payload) => Slot(round).TrySetResult(payload);

    /// <summary>Waits for the first payload published for a round.</summary>
    public Task<byte[]> TakeAsync(int round, CancellationToken cancellationToken) => Slot(round).Task.WaitAsync(cancellationToken);

    private TaskCompletionSource<byte[]> Slot(int round) =>
        rounds.GetOrAdd(round, _ => new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously));
}
