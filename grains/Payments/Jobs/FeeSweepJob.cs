using System.Globalization;
using L402Train.Lightning;
using L402Train.Runtime;
using Microsoft.Extensions.Logging;

namespace L402Train.Grains.Payments;

/// <summary>Settings of the periodic fee sweep.</summary>
public sealed class FeeSweepOptions
{
    private TimeSpan interval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the sweep runs: one job row per run, pruned by retention like every finished job, so
    /// the rows it keeps are bounded by retention / interval whatever the traffic. At least a second.
    /// </summary>
    public TimeSpan Interval
    {
        get => interval;
        set => interval = value >= TimeSpan.FromSeconds(1) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The fee sweep interval must be at least a second.");
    }
}

/// <summary>Payload of a fee sweep run: its tick (the run time in units of the interval since the epoch).</summary>
/// <param name="Tick">The tick.</param>
internal sealed record FeeSweepJob(long Tick);

/// <summary>
/// <c>fees.sweep</c> (settler role): runs <see cref="FeeSweep"/> and queues the next run, unique by
/// tick, so silos starting and runs repeating never double a run and an outage only delays it.
/// </summary>
public sealed class FeeSweepHandler(IGrainStore store, ILightningNode node, StandardFeeInvoices fees, FeeSweepOptions options, ILogger<FeeSweepHandler> logger) : IJobHandler
{
    /// <summary>The job type.</summary>
    public const string JobType = "fees.sweep";

    /// <summary>The run after <paramref name="now"/> (unique by tick).</summary>
    public static JobRequest Next(DateTimeOffset now, TimeSpan interval)
    {
        var tick = (now.ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds) + 1;
        return JobRequest.Create(JobType, tick.ToString(CultureInfo.InvariantCulture), new FeeSweepJob(tick),
            DateTimeOffset.FromUnixTimeMilliseconds(tick * (long)interval.TotalMilliseconds), GrainJson.Options);
    }

    /// <inheritdoc/>
    public async Task HandleAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var now = job.Time.GetUtcNow();
        // The next run first: a run that fails and retries must not break the chain.
        await store.EnqueueAsync(Next(now, options.Interval), now, cancellationToken);
        var result = await FeeSweep.RunAsync(job.Grains, node, fees, now, cancellationToken);
        if (result.Recorded > 0)
            logger.LogInformation("Fee sweep: {Recorded} settled fees recorded ({Listed} invoices listed, cursor {Cursor}).", result.Recorded, result.Listed, result.Cursor);
    }
}
