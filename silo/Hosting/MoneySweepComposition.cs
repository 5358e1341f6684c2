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
public static class MoneySweepComposition
{
    /// <summary>The configuration key of the unfiled-deposit grace period (e.g. <c>L402Train__UnfiledDepositGrace=00:05:00</c>).</summary>
    public const string GraceKey = "L402Train:UnfiledDepositGrace";

    /// <summary>Reads the grace period and starts the dead-job sweep's chain on settlers, once (later calls do nothing).</summary>
    public static WebApplicationBuilder AddMoneySweeps(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(UnfiledDepositOptions))) return builder;
        var grace = builder.Configuration.GetValue<TimeSpan?>(GraceKey);
        if (grace is { } g && g <= TimeSpan.Zero) throw new InvalidOperationException($"{GraceKey} must be a positive time span such as 00:05:00.");
        services.AddSingleton(new UnfiledDepositOptions { Grace = grace ?? new UnfiledDepositOptions().Grace });
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
