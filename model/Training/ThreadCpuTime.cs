using System.Runtime.InteropServices;

namespace L402Train.Model.Training;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>). Validation overhead is
/// a ratio of CPU spent, not of wall time: on a shared machine wall time measures the neighbours
/// as much as the work. Where the clock is unavailable it falls back to wall time, and
/// <see cref="IsCpuTime"/> says so.
/// </summary>
public static partial class ThreadCpuTime
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>True when <see cref="Now"/> reads thread CPU time (Linux); false when it reads wall time.</summary>
    public static bool IsCpuTime { get; } = OperatingSystem.IsLinux() && TryRead(out _);

    /// <summary>The calling thread's CPU time so far (or a wall-clock reading, see <see cref="IsCpuTime"/>).</summary>
    public static TimeSpan Now() =>
        IsCpuTime && TryRead(out var time) ? time : TimeProvider.System.GetElapsedTime(0);

    /// <summary>Runs <paramref name="work"/> on the calling thread and returns its result and the CPU time it took.</summary>
    public static (T Result, TimeSpan Cpu) Measure<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var start = Now();
        var result = work();
        return (result, Now() - start);
    }

    private static bool TryRead(out TimeSpan time)
    {
        var ok = ClockGetTime(ClockThreadCpuTime, out var spec) == 0;
        time = TimeSpan.FromTicks((spec.Seconds * TimeSpan.TicksPerSecond) + (spec.Nanoseconds / 100));
        return ok;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec spec);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
