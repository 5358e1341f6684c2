using L402Train.Grains.Payments;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace L402Train.Silo.Hosting;

/// <summary>
/// Composes the fee sweep (<c>fees.sweep</c>): settlers run it, each run queues the next (unique by
/// tick), and every settler makes sure the next run exists at start, so the chain survives any outage.
/// </summary>
public static class FeeSweepComposition
{
    /// <summary>The configuration key of the sweep interval (e.g. <c>L402Train__FeeSweepInterval=00:01:00</c>).</summary>
    public const string IntervalKey = "L402Train:FeeSweepInterval";

    /// <summary>Reads the sweep's interval and registers its start-up (its handler is wired by <c>AddL402Gateway</c>).</summary>
    public static WebApplicationBuilder AddFeeSweep(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var interval = builder.Configuration.GetValue<TimeSpan?>(IntervalKey);
        if (interval is { } i && i < TimeSpan.FromSeconds(1)) throw new InvalidOperationException($"{IntervalKey} must be a time span of at least a second, such as 00:01:00, not {i}.");
        var options = new FeeSweepOptions();
        if (interval is { } value) options.Interval = value;
        builder.Services.TryAddSingleton(options);
        builder.Services.AddHostedService<FirstFeeSweep>();
        return builder;
    }

    private sealed class FirstFeeSweep(JobQueue jobs, TimeProvider time, SiloSettings settings, FeeSweepOptions options) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!settings.Roles.Contains("settler")) return;
            await jobs.EnqueueAsync(FeeSweepHandler.Next(time.GetUtcNow(), options.Interval), cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
