using System.Diagnostics.Metrics;
using System.Text.Json;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// The <c>L402Train.Sandbox</c> meter: every sandboxed eval run (a bounty's baseline check and
/// each submission's public and held-out runs) by outcome, and how long each ran.
/// </summary>
public static class SandboxMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "L402Train.Sandbox";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Evaluations = Meter.CreateCounter<long>(
        "l402train.sandbox.evaluations", "{run}",
        "Sandboxed eval runs by outcome: scored, no_score (exited without a valid score), or the limit that stopped it (wall_clock, cpu_time, memory, processes, file_size, disk_space).");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram(
        "l402train.sandbox.evaluation.duration", "s", "Wall time of one sandboxed eval run, start to exit, by outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] });

    /// <summary>Counts one finished run.</summary>
    public static void Evaluated(SandboxResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var outcome = new KeyValuePair<string, object?>("outcome", Outcome(result));
        Evaluations.Add(1, outcome);
        Duration.Record(result.WallTime.TotalSeconds, outcome);
    }

    /// <summary>The outcome label of a run.</summary>
    public static string Outcome(SandboxResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.LimitHit != SandboxLimit.None) return JsonNamingPolicy.SnakeCaseLower.ConvertName(result.LimitHit.ToString());
        if (result.TimedOut) return "wall_clock";
        return result.Succeeded ? "scored" : "no_score";
    }
}
