namespace L402Train.Runtime;

/// <summary>
/// The jobs a grain staged during its current turn (a per-activation component). The storage
/// commits them in the transaction of the turn's next state write; <see cref="OutboxCallFilter"/>
/// drops them when the turn fails and enqueues them on their own when it succeeds without a write.
/// </summary>
internal sealed class TurnOutbox
{
    private readonly List<JobRequest> jobs = [];

    /// <summary>Staged jobs not yet committed.</summary>
    public int Count => jobs.Count;

    /// <summary>The activation's outbox, created on first use.</summary>
    public static TurnOutbox Of(IGrainContext activation)
    {
        if (activation.GetComponent<TurnOutbox>() is { } outbox) return outbox;
        outbox = new TurnOutbox();
        activation.SetComponent(outbox);
        return outbox;
    }

    /// <summary>The activation's outbox if it ever staged a job.</summary>
    public static TurnOutbox? Find(IGrainContext? activation) => activation?.GetComponent<TurnOutbox>();

    public void Add(JobRequest job) => jobs.Add(job);

    /// <summary>A snapshot of the staged jobs (a write commits these, then <see cref="Forget"/>s them).</summary>
    public IReadOnlyList<JobRequest> Peek() => [.. jobs];

    /// <summary>Drops the first <paramref name="count"/> jobs: a write committed them.</summary>
    public void Forget(int count) => jobs.RemoveRange(0, Math.Min(count, jobs.Count));

    public JobRequest[] Take()
    {
        var taken = jobs.ToArray();
        jobs.Clear();
        return taken;
    }

    public void Clear() => jobs.Clear();
}
