using System.Diagnostics.Metrics;

namespace L402Train.Grains.Workers;

/// <summary>
/// The <c>L402Train.Workers</c> meter: experiments run by the worker role. The recording point is
/// <see cref="RunExperimentHandler"/> (the <c>experiment.run</c> job), which calls <see cref="ExperimentFinished"/>
/// once the result is delivered or the experiment abandoned (docs/workers.md).
/// </summary>
public static class WorkerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "L402Train.Workers";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Experiments = Meter.CreateCounter<long>(
        "l402train.worker.experiments", "{experiment}", "Experiments workers finished, by outcome (completed, failed, abandoned).");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram(
        "l402train.worker.experiment.duration", "s", "Wall time of one worker experiment, by outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] });

    /// <summary>Records a finished experiment; <paramref name="outcome"/> is one of a fixed few words (completed, failed, abandoned), never an id.</summary>
    public static void ExperimentFinished(string outcome, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        Experiments.Add(1, tag);
        Duration.Record(duration.TotalSeconds, tag);
    }
}
