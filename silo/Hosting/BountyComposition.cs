using L402Train.Gateway.Apis;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Sandbox;
using L402Train.Grains.Bounties.Validation;
using L402Train.Grains.Bounties;
using L402Train.Runtime;

using static L402Train.Silo.Hosting.SettingReader;

namespace L402Train.Silo.Hosting;

/// <summary>Composes the bounty track into a silo: grains, the sandbox, job handlers by role, and the API.</summary>
internal static class BountyComposition
{
    /// <summary>
    /// Reads the bounty settings (<c>--bounty-deposit-sat</c>, <c>--bounty-price-sat</c>,
    /// <c>--coordinator-fee-pct</c>, <c>--suspicious-gap</c>, <c>--significance-level</c>, the defences' <c>--noise-floor-sigmas</c>,
    /// <c>--leader-threshold-rise</c>, <c>--leader-threshold-decay</c>, <c>--leader-threshold-period-s</c>, and the defaults of
    /// posted terms <c>--noise-reruns</c>, <c>--holdback-pct</c>, <c>--holdback-delay-s</c>); a wrong one names itself.
    /// </summary>
    public static BountyRules Parse(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new BountyRules();
        var rules = defaults with
        {
            DepositSat = Read(config, "BountyDepositSat", "bounty-deposit-sat", defaults.DepositSat, v => v >= 1, "a whole number of sats ≥ 1"),
            AccessPriceSat = Read(config, "BountyPriceSat", "bounty-price-sat", defaults.AccessPriceSat, v => v >= 1, "a whole number of sats ≥ 1"),
            CoordinatorFeePct = Read(config, "CoordinatorFeePct", "coordinator-fee-pct", defaults.CoordinatorFeePct, v => v is >= 0 and <= 100, "a percentage from 0 to 100"),
            SuspiciousGap = Read(config, "SuspiciousGap", "suspicious-gap", defaults.SuspiciousGap, v => v > 0 && double.IsFinite(v), "a positive number (score units)"),
            SignificanceLevel = Read(config, "SignificanceLevel", "significance-level", defaults.SignificanceLevel, v => v is 0.05 or 0.025 or 0.01, "0.05, 0.025 or 0.01"),
        };
        rules = BountyDefenceSettings.Apply(config, rules);
        rules.Validate();
        return rules;
    }


    /// <summary>Registers the bounty grains, the sandbox and workspace, and (by role) the job handlers.</summary>
    public static WebApplicationBuilder AddBountyTrack(this WebApplicationBuilder builder, BountyRules rules, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(rules);
        var services = builder.Services;
        // Evaluations run as an unprivileged user when the silo is root, so the working copies must
        // lie under a path that user can traverse: the system temp directory, one folder per data directory.
        var workspace = Path.Combine(Path.GetTempPath(),
            "l402train-bounties-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(dataDir))))[..12]);
        services.AddSingleton(sp => new SandboxOptions
        {
            ScratchRoot = workspace,
            CgroupParent = builder.Configuration["Sandbox:CgroupParent"],
            BubblewrapPath = sp.GetRequiredService<SiloSettings>().BubblewrapPath,
        });
        services.AddSingleton(sp => new BubblewrapSandbox(sp.GetRequiredService<SandboxOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BountyWorkspace(sp.GetRequiredService<IBlobStore>(), workspace));
        services.AddBounties(rules, EvaluatesHere);
        return builder;
    }

    /// <summary>Maps the bounty API.</summary>
    public static WebApplication MapBountyTrack(this WebApplication app)
    {
        app.MapBountyApi();
        return app;
    }

    // A validator evaluates bounty submissions unless the silo was told not to (a demo without bubblewrap),
    // and only with its sandbox working.
    private static bool EvaluatesHere(IServiceProvider sp)
    {
        var settings = sp.GetRequiredService<SiloSettings>();
        if (!settings.ValidatesBounties) return false;
        _ = sp.GetRequiredService<BountyWorkspace>(); // creates the scratch root, traversable by the sandbox user
        var sandbox = sp.GetRequiredService<BubblewrapSandbox>();
        EnsureSandbox(sandbox, settings.BubblewrapPath);
        // Operators must know whether an eval's memory is held as a whole (cgroup) or only by the rlimit product.
        sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BountyComposition))
            .LogInformation("Bounty sandbox {Bound}", sandbox.MemoryBound.Describe(SandboxLimits.Default));
        return true;
    }

    // A validator without the sandbox would run sponsors' and agents' code unconfined: refuse to start.
    // This runs while the silo is built, before its job workers claim anything.
    private static void EnsureSandbox(BubblewrapSandbox sandbox, string bubblewrapPath)
    {
        if (!File.Exists(bubblewrapPath))
            throw new SiloSettingException("bwrap", $"bubblewrap is not installed at '{bubblewrapPath}', and this silo has the validator role, which evaluates bounty submissions only inside it. Install it (sudo apt-get install bubblewrap), point --bwrap at it, or drop 'validator' from --roles.");
        try
        {
            sandbox.EnsureAvailableAsync().GetAwaiter().GetResult();
        }
        catch (SandboxUnavailableException ex)
        {
            throw new SiloSettingException("roles", $"this silo has the validator role, which evaluates bounty submissions only inside the sandbox, and {ex.Message} Or drop 'validator' from the roles.");
        }
    }
}
