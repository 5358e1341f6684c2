using L402Train.Gateway.Apis;
using L402Train.Gateway.Board;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace L402Train.Silo.Hosting;

/// <summary>Adds job handlers and worker settings to the silo a host builds (register with <see cref="SiloHost.ConfigureSilo"/>).</summary>
public delegate void SiloConfigurator(SiloJobs silo, IServiceProvider services);

/// <summary>
/// Composes a silo process: the store, the grain runtime as a hosted service, and (by role)
/// the gateway's route groups. Features plug in with <see cref="ConfigureSilo"/> and by mapping
/// their route groups in <see cref="MapGateway"/>.
/// </summary>
internal static class SiloHost
{
    /// <summary>A web application builder with the store and silo registered for <paramref name="settings"/>.</summary>
    public static WebApplicationBuilder CreateBuilder(SiloSettings settings)
    {
        // Every options class is checked before anything is registered: a wrong value stops here, naming its setting.
        SettingsValidation.Validate(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(settings);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IGrainStore>(_ => settings.Store.Open());
        builder.Services.AddSingleton<IBlobStore>(_ => new FileSystemBlobStore(Path.Combine(settings.DataDir, "blobs")));
        builder.Services.AddSingleton(new SiloIdentity(settings.SiloId, settings.Roles));
        // Runs the job configurators before the silo starts, so a refused setting (a validator
        // without its sandbox) stops the start with its own message.
        builder.Services.AddHostedService<JobSetupCheck>();
        builder.UseOrleans(silo => silo
            .AddL402Runtime()
            .Configure<SiloOptions>(o => o.SiloName = settings.SiloId)
            .AddClustering(settings, builder.Configuration)
            .AddAdminDashboard(settings));
        builder.Services.AddBoard();
        builder.AddSiloMetrics();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "L402Train coordinator";
            document.Info.Description = "Training and bounty tracks; paid endpoints answer 402 with an L402 challenge (see docs/PROTOCOL.md).";
            return Task.CompletedTask;
        }).AddL402Extensions().AddMoneySchemas().AddHttpJsonSchemas([.. TrainingApi.ServedAsIs]));
        return builder;
    }

    /// <summary>Registers a configurator run when the silo's jobs are set up.</summary>
    public static IServiceCollection ConfigureSilo(this IServiceCollection services, SiloConfigurator configure) =>
        services.AddJobs((jobs, sp) => configure(jobs, sp));

    /// <summary>Maps the HTTP API of the gateway role (status and health are mapped for every role).</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseClusterErrors();
        app.MapAdminDashboard();
        app.MapStatusApi();
        app.MapSiloMetrics();
        app.MapOpenApi();
        app.MapDiscoveryApi();
        var settings = app.Services.GetRequiredService<SiloSettings>();
        if (settings.Roles.Contains("gateway"))
        {
            app.MapLightning();
            if (settings.RunsTraining) app.MapTrainingTrack();
            if (settings.RunsBounties) app.MapBountyTrack();
            app.MapBoard();
            // Inference serves the training track's model (and the directory lists the training track's prices).
            if (settings.RunsTraining) app.MapInference();
        }
        app.MapWorkers();
        return app;
    }

    /// <summary>
    /// Builds the application for <paramref name="settings"/>: <paramref name="configure"/> adds services
    /// (e.g. <see cref="ConfigureSilo"/>) before build, <paramref name="map"/> maps more route groups after;
    /// <paramref name="training"/> overrides the training track's defaults. Only the tracks in <see cref="SiloSettings.Tracks"/> are composed.
    /// </summary>
    public static WebApplication Build(SiloSettings settings, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? map = null, TrainingOptions? training = null)
    {
        var builder = CreateBuilder(settings);
        builder.AddLightning(settings.Lightning, settings.DataDir);
        builder.AddL402Gateway(settings);
        if (settings.RunsTraining) builder.AddTrainingTrack(training ?? TrainingOptions.Default, settings.DataDir);
        if (settings.RunsBounties) builder.AddBountyTrack(settings.Bounties, settings.DataDir);
        if (settings.RunsTraining) builder.AddInference(settings.Inference);
        builder.AddWorkers(settings.Workers, settings.DataDir);
        builder.AddRetention(settings.Retention);
        configure?.Invoke(builder);
        var app = builder.Build().MapGateway();
        map?.Invoke(app);
        return app;
    }

    private sealed class JobSetupCheck(SiloJobs jobs) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(jobs);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
