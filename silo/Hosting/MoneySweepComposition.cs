using L402Train.Gateway.L402;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace L402Train.Silo.Hosting;

/// <summary>
/// Composes what keeps money from being stranded when something fails: the refund of deposits no
/// request filed (<c>deposit.unfiled</c>), and the sweep that settles dead money jobs
/// (<c>money.sweep-dead</c>: a dead validation becomes <c>validator_error</c>, its deposit refunded).
/// Their handlers are wired by <see cref="PaymentServices.AddPayments"/> and <see cref="L402GatewayServices.AddL402Gateway"/>.
/// </summary>
internal static class MoneySweepComposition
{
    /// <summary>
    /// Sets the unfiled deposits' <paramref name="grace"/> (<see cref="SiloSettings.UnfiledDepositGrace"/>) and starts the
    /// dead-job sweep's chain on settlers, once (later calls do nothing).
    /// </summary>
    public static WebApplicationBuilder AddMoneySweeps(this WebApplicationBuilder builder, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(UnfiledDepositOptions))) return builder;
        services.AddSingleton(new UnfiledDepositOptions { Grace = grace });
        services.TryAddSingleton(new DeadJobSweepOptions());
        services.AddHostedService<FirstSweep>();
        return builder;
    }

    // Every settler queues the next run at start (unique by tick): the chain restarts after any outage.
    private sealed class FirstSweep(JobQueue jobs, TimeProvider time, SiloSettings settings, DeadJobSweepOptions options) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!settings.Roles.Contains("settler")) return;
            await jobs.EnqueueAsync(SweepDeadJobsHandler.Next(time.GetUtcNow(), options.Interval), cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
