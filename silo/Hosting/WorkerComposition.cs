using L402Train.Bounties.Sandbox;
using L402Train.Gateway.Apis;
using L402Train.Gateway.Workers;
using L402Train.Grains.Payments;
using L402Train.Grains.Workers;
using L402Train.Lightning;
using L402Train.Lightning.Signing;
using L402Train.Runtime;

using static L402Train.Silo.Hosting.SettingReader;

namespace L402Train.Silo.Hosting;

/// <summary>
/// Composes the paid-worker track (docs/workers.md): on a <c>worker</c> silo the experiment runner, its job and
/// the worker routes; on a <c>gateway</c> silo the agent index. A worker-only silo also runs the settle and
/// cancel jobs of its own hold invoices (<see cref="PaymentServices.AddPayments"/>), so <c>--roles worker</c> stands alone.
/// </summary>
internal static class WorkerComposition
{
    /// <summary>The job lane of experiment runs: long CPU-bound runs never hold the runners settles need.</summary>
    public const string ExperimentLane = Grains.JobLanes.Experiments;

    /// <summary>The service key of the worker's own <see cref="BubblewrapSandbox"/> (its scratch root is not the bounty track's).</summary>
    public const string SandboxKey = "worker";

    /// <summary>Reads the worker settings (<c>--worker-price-sats</c>, <c>--worker-max-steps</c>, <c>--worker-deadline-s</c>, <c>--worker-public-url</c>, <c>--worker-index-url</c>, <c>--worker-name</c>, <c>--worker-archives</c>).</summary>
    public static WorkerOptions Parse(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new WorkerOptions();
        var options = defaults with
        {
            PriceSat = Read(config, "WorkerPriceSats", "worker-price-sats", defaults.PriceSat, v => v >= 1, "a whole number of sats ≥ 1"),
            MaxTrainerSteps = Read(config, "WorkerMaxSteps", "worker-max-steps", defaults.MaxTrainerSteps, v => v >= 1, "a whole number of steps ≥ 1"),
            RunDeadline = TimeSpan.FromSeconds(Read(config, "WorkerDeadlineS", "worker-deadline-s", defaults.RunDeadline.TotalSeconds,
                v => v > defaults.SandboxLimits.WallClock.TotalSeconds && v <= 86_400, $"a number of seconds above the sandbox's wall clock ({defaults.SandboxLimits.WallClock.TotalSeconds:0}) and at most 86400")),
            PublicUrl = Url(config, "WorkerPublicUrl", "worker-public-url"),
            IndexUrl = Url(config, "WorkerIndexUrl", "worker-index-url"),
            Name = config["WorkerName"] is { Length: > 0 } name ? name : null,
            ArchivesOffered = OnOff(config, "WorkerArchives", "worker-archives", defaults.ArchivesOffered),
        };
        options.Validate();
        return options;
    }

    /// <summary>Registers the worker track's services and (by role) its job handlers.</summary>
    public static WebApplicationBuilder AddWorkers(this WebApplicationBuilder builder, WorkerOptions options, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var services = builder.Services;
        services.AddWorkers(options);
        services.AddSingleton(new AgentIndexOptions());
        var scratch = Path.Combine(Path.GetTempPath(),
            "l402train-experiments-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(dataDir))))[..12]);
        services.AddSingleton<BuiltInTrainer>();
        services.AddKeyedSingleton(SandboxKey, (sp, _) => new BubblewrapSandbox(new SandboxOptions
        {
            ScratchRoot = scratch, CgroupParent = builder.Configuration["Sandbox:CgroupParent"], BubblewrapPath = sp.GetRequiredService<SiloSettings>().BubblewrapPath,
        }, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SandboxedExperiment(
            sp.GetRequiredKeyedService<BubblewrapSandbox>(SandboxKey), sp.GetRequiredService<IBlobStore>(), options, scratch));
        services.AddSingleton<IExperimentRunner, ExperimentRunner>();
        services.AddSingleton(sp => sp.GetRequiredService<ILightningNode>() as IMessageSigner
            ?? throw new InvalidOperationException("The worker role signs its registration with its Lightning node key; this node cannot sign messages."));
        services.AddSingleton<WorkerRegistration>();
        services.AddHostedService<IndexRegistration>();
        services.AddJobs((_, sp) =>
        {
            if (!sp.Plays(SiloRoles.Worker) || !options.ArchivesOffered) return;
            // Before the job workers claim anything: a worker that sells archives and cannot sandbox them refuses to start.
            WorkerSandboxCheck.Ensure(sp.GetRequiredKeyedService<BubblewrapSandbox>(SandboxKey), sp.GetRequiredService<SiloSettings>().BubblewrapPath,
                options.SandboxCheckTimeout, sp.GetRequiredService<TimeProvider>());
        });
        return builder;
    }

    /// <summary>Maps the worker routes on a worker silo and the agent index on a gateway silo.</summary>
    public static WebApplication MapWorkers(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var roles = app.Services.GetRequiredService<SiloSettings>().Roles;
        if (roles.Contains("worker")) app.MapWorkerApi();
        if (roles.Contains("gateway")) app.MapAgentIndexApi();
        return app;
    }

    private static bool OnOff(IConfiguration config, string key, string option, bool fallback)
    {
        var text = config[key];
        return text?.Trim().ToLowerInvariant() switch
        {
            null or "" => fallback,
            "on" or "true" => true,
            "off" or "false" => false,
            _ => throw new SiloSettingException(option, $"'{text}' is not on or off"),
        };
    }

    private static Uri? Url(IConfiguration config, string key, string option)
    {
        if (config[key] is not { Length: > 0 } text) return null;
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new SiloSettingException(option, $"'{text}' is not an http(s) URL; use e.g. https://worker.example.com/");
        return uri;
    }

}
