using System.Diagnostics.Metrics;
using L402Train.Runtime;
using L402Train.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>The job queue gauges read the store at most once per <see cref="JobMetrics.CacheFor"/>, whatever the scrape rate.</summary>
public sealed class JobMetricsTests
{
    [Fact]
    public async Task Scrapes_within_the_cache_period_reuse_one_read_and_a_later_scrape_sees_the_queue_as_it_is()
    {
        var time = new FakeTimeProvider();
        var store = new MemoryGrainStore();
        using var meters = new ScopedMeterFactory();
        using var metrics = new JobMetrics(store, time, NullLogger<JobMetrics>.Instance, meters: meters);
        using var listener = Listen(meters, out var observed);
        await store.EnqueueAsync(JobRequest.Create("fee", "f0", 0, runAt: time.GetUtcNow()), time.GetUtcNow());

        listener.RecordObservableInstruments();
        Assert.Equal(1, observed[("l402train.jobs.queued", "fee")]);

        // A job arrives and the clock moves: within the cache period the gauges still show the first read.
        await store.EnqueueAsync(JobRequest.Create("fee", "f1", 1, runAt: time.GetUtcNow()), time.GetUtcNow());
        time.Advance(JobMetrics.CacheFor - TimeSpan.FromMilliseconds(1));
        listener.RecordObservableInstruments();
        Assert.Equal(1, observed[("l402train.jobs.queued", "fee")]);

        time.Advance(TimeSpan.FromMilliseconds(1));
        listener.RecordObservableInstruments();
        Assert.Equal(2, observed[("l402train.jobs.queued", "fee")]);
        Assert.Equal(JobMetrics.CacheFor.TotalSeconds, observed[("l402train.jobs.lag", "fee")], 6);
    }

    private static MeterListener Listen(ScopedMeterFactory meters, out Dictionary<(string, string), double> observed)
    {
        var values = new Dictionary<(string, string), double>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters)) l.EnableMeasurementEvents(instrument);
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
                if (tag.Key == "type") values[(instrument.Name, (string)tag.Value!)] = value;
        }
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        observed = values;
        return listener;
    }

    // Meters of this test only: the listener ignores every other meter of the process.
    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> created = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in created) meter.Dispose();
        }
    }
}
