using System.Diagnostics;
using System.Runtime.InteropServices;

namespace L402Train.Bench.Compression;

/// <summary>
/// CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID). On a machine shared with other
/// jobs wall-clock time measures the neighbours as much as the code; single-threaded figures use
/// this clock and wall-clock ones are printed next to them. Elsewhere it falls back to wall time.
/// </summary>
internal static partial class ThreadClock
{
    private const int ClockThreadCpuTime = 3;

    public static bool IsThreadCpuTime { get; } = OperatingSystem.IsLinux() && TryRead(out _);

    public static double Seconds() =>
        IsThreadCpuTime && TryRead(out var seconds) ? seconds : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    private static bool TryRead(out double seconds)
    {
        var ok = ClockGetTime(ClockThreadCpuTime, out var spec) == 0;
        seconds = spec.Seconds + (spec.Nanoseconds * 1e-9);
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
