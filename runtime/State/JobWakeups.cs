namespace L402Train.Runtime;

/// <summary>In-process wake-up fan-out used by every store (and fed by pg_notify for PostgreSQL).</summary>
internal sealed class JobWakeups
{
    private readonly Lock gate = new();
    private Action[] subscribers = [];

    public IDisposable Subscribe(Action wake)
    {
        lock (gate) { subscribers = [.. subscribers, wake]; }
        return new Subscription(this, wake);
    }

    public int Count => Volatile.Read(ref subscribers).Length;

    public void Wake()
    {
        foreach (var wake in Volatile.Read(ref subscribers)) wake();
    }

    private void Remove(Action wake)
    {
        lock (gate) { subscribers = [.. subscribers.Where(s => s != wake)]; }
    }

    private sealed class Subscription(JobWakeups owner, Action wake) : IDisposable
    {
        public void Dispose() => owner.Remove(wake);
    }
}
