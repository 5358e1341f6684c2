using L402Train.Bounties.Sandbox;
using L402Train.Grains.Bounties;
using L402Train.Grains.Inference;
using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using L402Train.Grains.Workers;
using L402Train.L402.Gate;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace L402Train.Silo.Hosting;

/// <summary>
/// OpenTelemetry metrics of a silo, exported for Prometheus at <see cref="Path"/> on every role:
/// the project's meters (one per area, see docs/metrics.md), ASP.NET Core's, the .NET runtime's
/// and Orleans' (<c>Microsoft.Orleans</c>).
/// </summary>
internal static class MetricsComposition
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    /// <summary>The meter Orleans records its silo, grain and messaging instruments on.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Every meter exported.</summary>
    public static IReadOnlyList<string> Meters { get; } =
    [
        TrainingMetrics.MeterName, MoneyMetrics.MeterName, BountyMetrics.MeterName, SandboxMetrics.MeterName, L402Metrics.MeterName,
        JobMetrics.MeterName, WorkerMetrics.MeterName, InferenceMetrics.MeterName, OrleansMeter,
    ];

    /// <summary>Registers the meter provider and its Prometheus exporter.</summary>
    public static WebApplicationBuilder AddSiloMetrics(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<JobMetrics>();
        // Created when the host starts, not when it is built: the gauges listen to the job workers, whose
        // set-up may refuse a setting (a validator without its sandbox), and that refusal belongs to start-up.
        builder.Services.AddHostedService<JobGauges>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter([.. Meters])
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>Maps <see cref="Path"/>.</summary>
    public static WebApplication MapSiloMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPrometheusScrapingEndpoint(Path);
        return app;
    }

    // Makes the job queue gauges exist from the first scrape.
    private sealed class JobGauges(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<JobMetrics>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
