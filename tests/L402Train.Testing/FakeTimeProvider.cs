namespace L402Train.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when a test calls <see cref="Advance"/>.
/// Timers created from it fire, in due order, during <see cref="Advance"/>, so leases, expiry,
/// backoff and deadlines are tested without sleeping.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object gate = new();
    private readonly List<FakeTimer> timers = [];
    private DateTimeOffset now;
    private long ticks;

    public FakeTimeProvider() : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { }

    public FakeTimeProvider(DateTimeOffset start) => now = start;

    public override DateTimeOffset GetUtcNow() { lock (gate) { return now; } }

    public override long GetTimestamp() { lock (gate) { return ticks; } }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (gate) { target = now + delta; }
        while (true)
        {
            FakeTimer? due;
            lock (gate)
            {
                due = timers.Where(t => t.DueAt is { } d && d <= target).OrderBy(t => t.DueAt).FirstOrDefault();
                if (due is null)
                {
                    ticks += (target - now).Ticks;
                    now = target;
                    break;
                }
                ticks += (due.DueAt!.Value - now).Ticks;
                now = due.DueAt.Value;
                due.DueAt = due.Period is { } p && p > TimeSpan.Zero ? now + p : null;
            }
            due.Fire();
        }
    }

    /// <summary>Sets the clock to an absolute instant (never backwards).</summary>
    public void SetUtcNow(DateTimeOffset value) => Advance(value - GetUtcNow());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (gate) { timers.Add(timer); }
        return timer;
    }

    private void Remove(FakeTimer timer) { lock (gate) { timers.Remove(timer); } }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }
        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner.gate)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner.now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
            }
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }
    }
}
