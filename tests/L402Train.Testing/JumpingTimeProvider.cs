namespace L402Train.Testing;

/// <summary>
/// A clock that runs with the system's and jumps forward when a test calls <see cref="Jump"/>: for a whole silo
/// served over HTTP, whose long polls, job pollers and clients must keep running in real time while the test
/// moves past a long delay (a holdback's 60 s or more) at once. Timers run at real speed; what is scheduled for a
/// time (a job's <c>run_at</c>) falls due at the first poll after the jump.
/// </summary>
public sealed class JumpingTimeProvider : TimeProvider
{
    private long offsetTicks;

    /// <summary>How far ahead of the system clock this one is.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Moves the clock forward by <paramref name="delta"/>.</summary>
    public void Jump(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        Interlocked.Add(ref offsetTicks, delta.Ticks);
    }
}
