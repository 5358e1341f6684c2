using L402Train.Grains.Payments;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace L402Train.Silo.Hosting;

/// <summary>
/// Composes the fee sweep (<c>fees.sweep</c>): settlers run it, each run queues the next (unique by
/// tick), and every settler makes sure the next run exists at start, so the chain survives any outage.
/// </summary>
internal static class FeeSweepComposition
{
    /// <summary>Sets the sweep's <paramref name="interval"/> (<see cref="SiloSettings.FeeSweepInterval"/>) and registers its start-up (its handler is wired by <c>AddL402Gateway</c>).</summary>
    public static WebApplicationBuilder AddFeeSweep(this WebApplicationBuilder builder, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(new FeeSweepOptions { Interval = interval });
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
