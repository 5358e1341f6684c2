using System.Collections;
using System.CommandLine;
using System.Data.Common;
using System.Net.Sockets;
using L402Train.Runtime;
using L402Train.Silo.Hosting;

namespace L402Train.Silo.Commands;

/// <summary>The <c>silo</c> command line: <c>serve</c> and <c>migrate</c> (more commands plug in with <see cref="Add"/>).</summary>
internal sealed class SiloCommandLine
{
    /// <summary>Exit code for a wrong or missing setting.</summary>
    public const int SettingError = 2;

    private readonly Option<string?> store = new("--store") { Description = $"Where grains live: {GrainStoreAddress.Forms} (default sqlite under --data-dir)" };
    private readonly Option<string?> dataDir = new("--data-dir") { Description = "Folder for the SQLite file and blobs (default ./data)" };
    private readonly Option<string?> roles = new("--roles") { Description = $"Comma-separated roles: gateway, validator, settler, aggregator, worker (default {SiloSettings.DefaultRoles})" };
    private readonly Option<string?> tracks = new("--tracks") { Description = $"Comma-separated tracks this silo runs: training, bounties (default {SiloSettings.DefaultTracks}; bounties alone: no training routes, jobs or checkpoint)" };
    private readonly Option<string?> urls = new("--urls") { Description = $"Where the HTTP API listens (default {SiloSettings.DefaultUrls})" };
    private readonly Option<string?> siloPort = new("--silo-port") { Description = $"Port other silos reach this one on (default: {SiloSettings.DefaultClusterSiloPort} with a postgres store, else a free port, enough for a single silo)" };
    private readonly Option<string?> advertiseIp = new("--advertise-ip") { Description = "Address a postgres cluster's silo publishes to the others and listens on (default: this host's address)" };
    private readonly Option<string?> clusterId = new("--cluster-id") { Description = $"Cluster a postgres silo joins (default {SiloSettings.DefaultClusterName})" };
    private readonly Option<bool> kubernetes = new("--kubernetes") { Description = "Orleans' Kubernetes hosting on the postgres membership: needs POD_NAME, POD_NAMESPACE, POD_IP from the downward API (default off)" };
    private readonly Option<string?> secretFile = new("--secret-file") { Description = "The server secret's file, e.g. a mounted Secret: must exist and be readable by its owner only (default l402-secret under --data-dir, created on first start)" };
    private readonly Option<string?> lightning = new("--lightning") { Description = "The coordinator's Lightning node: simnet | lnd:<rest url> (default simnet)" };
    private readonly Option<string?> lndMacaroon = new("--lnd-macaroon") { Description = "LND macaroon file (with --lightning lnd:...)" };
    private readonly Option<string?> lndCert = new("--lnd-cert") { Description = "LND TLS certificate to pin (with --lightning lnd:https://...)" };
    private readonly Option<bool> simnetFaucet = new("--simnet-faucet") { Description = "Map the simnet development faucet POST /simnet/nodes: funded wallets for loopback callers (default off; on in demo)" };
    private readonly Option<string?> simnetFaucetMax = new("--simnet-faucet-max-sat") { Description = $"The most the faucet grants one node (default {Lightning.Facade.SimnetFaucetOptions.DefaultMaxPerNodeSat})" };
    private readonly Option<string?> feeSweepInterval = new("--fee-sweep-interval") { Description = "How often a settler books paid standard fees nobody used, as a time span (default 00:01:00, from 00:00:01 to 1.00:00:00)" };
    private readonly Option<string?> unfiledDepositGrace = new("--unfiled-deposit-grace") { Description = "How long a consumed deposit waits for its submission to be filed before it is refunded (default 00:05:00, from 00:00:01 to 1.00:00:00)" };
    private readonly Option<string?> retentionDays = new("--retention-days") { Description = "Days completed jobs and expired unfunded bounties are kept before they are deleted (default 30)" };
    private readonly Option<string?> bountyDeposit = new("--bounty-deposit-sat") { Description = "Hold deposit of a bounty submission (default 1000)" };
    private readonly Option<string?> bountyPrice = new("--bounty-price-sat") { Description = "Price of a bounty's task and baseline, GET /bounty/{id} (default 10)" };
    private readonly Option<string?> coordinatorFee = new("--coordinator-fee-pct") { Description = "Share of each bounty reward the coordinator keeps (default 5)" };
    private readonly Option<string?> suspiciousGap = new("--suspicious-gap") { Description = "Public gain above held-out gain that rejects a bounty submission (default 0.1)" };
    private readonly Option<string?> significance = new("--significance-level") { Description = "One-sided test level over bounty eval repeats: 0.05, 0.025 or 0.01 (default 0.05)" };
    private readonly Option<string?> noiseFloorSigmas = new("--noise-floor-sigmas") { Description = "A bounty submission must beat the baseline's noise by more than this many σ (default 2)" };
    private readonly Option<string?> leaderRise = new("--leader-threshold-rise") { Description = "A new bounty leader raises the bar to this × its improvement (default 1; a bounty's own term wins)" };
    private readonly Option<string?> leaderDecay = new("--leader-threshold-decay") { Description = "Share of the raised bar's excess lost per period (default 0.05; a bounty's own term wins)" };
    private readonly Option<string?> leaderPeriod = new("--leader-threshold-period-s") { Description = "Seconds per decay period of the leader threshold (default 1200; a bounty's own term wins)" };
    private readonly Option<string?> noiseReruns = new("--noise-reruns") { Description = "noise_reruns of a bounty posted without one (default 3)" };
    private readonly Option<string?> holdbackPct = new("--holdback-pct") { Description = "holdback_pct of a bounty posted without one (default 20)" };
    private readonly Option<string?> holdbackDelay = new("--holdback-delay-s") { Description = "holdback_delay_s of a bounty posted without one (default 172800: 48 h)" };
    private readonly Option<string?> bwrap = new("--bwrap") { Description = $"The bubblewrap executable validators evaluate bounty submissions under (default {SiloSettings.DefaultBubblewrapPath}; apt-get install bubblewrap)" };
    private readonly Option<string?> inferenceBase = new("--inference-base-sat") { Description = "Base price of a chat completion, POST /v1/chat/completions (default 1)" };
    private readonly Option<string?> inferencePerToken = new("--inference-msat-per-token") { Description = "Price per requested max_tokens in millisats, added to the base (default 100)" };
    private readonly Option<string?> inferenceMaxTokens = new("--inference-max-tokens") { Description = "Largest max_tokens a completion may ask for (default 1024)" };
    private readonly Option<string?> inferenceConcurrency = new("--inference-concurrency") { Description = "Completions generated at once; more get 429 (default half the cores)" };
    private readonly Option<string?> workerPrice = new("--worker-price-sats") { Description = "Price of one experiment on a worker silo, POST /experiment, held until the result is delivered (default 50)" };
    private readonly Option<string?> workerMaxSteps = new("--worker-max-steps") { Description = "Most steps a built-in trainer experiment may ask for (default 2000)" };
    private readonly Option<string?> workerDeadline = new("--worker-deadline-s") { Description = "Seconds a worker gives itself to deliver an experiment; past it the buyer is refunded (default 600)" };
    private readonly Option<string?> workerPublicUrl = new("--worker-public-url") { Description = "The worker's public base URL named in its signed registration (default: the address the silo listens on)" };
    private readonly Option<string?> workerIndexUrl = new("--worker-index-url") { Description = "A coordinator whose agent index this worker registers with and refreshes (default: none)" };
    private readonly Option<string?> workerName = new("--worker-name") { Description = "The worker's name in its registration (default l402train-worker-<node key prefix>)" };
    private readonly Option<string?> workerArchives = new("--worker-archives") { Description = "on: the worker also sells archive experiments, run in bubblewrap (checked at start); off: built-in trainer runs only (default on)" };
    private readonly IReadOnlyDictionary<string, string?> environment;
    private readonly string workingDirectory;

    /// <summary>Reads settings from <paramref name="environment"/> (default: the process environment) and <paramref name="workingDirectory"/>'s appsettings.json.</summary>
    public SiloCommandLine(IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        this.environment = environment ?? Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        this.workingDirectory = workingDirectory ?? Directory.GetCurrentDirectory();
        Root = new RootCommand("L402Train silo: grains, jobs and the HTTP gateway over one store.");
        Add(ServeCommand());
        Add(MigrateCommand());
        Root.Subcommands.Add(Demo.DemoCommand.Create());
        var ledger = new Command("ledger", "The coordinator's ledger of every sat in and out.");
        ledger.Subcommands.Add(LedgerCheckCommand());
        Root.Subcommands.Add(ledger);
    }

    /// <summary>The root command.</summary>
    public RootCommand Root { get; }

    /// <summary>Adds a subcommand that shares the common options (--store, --data-dir, --roles, --urls, --lightning, --lnd-*).</summary>
    public Command Add(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(store);
        command.Options.Add(dataDir);
        command.Options.Add(roles);
        command.Options.Add(tracks);
        command.Options.Add(urls);
        command.Options.Add(siloPort);
        command.Options.Add(advertiseIp);
        command.Options.Add(clusterId);
        command.Options.Add(kubernetes);
        command.Options.Add(secretFile);
        command.Options.Add(lightning);
        command.Options.Add(lndMacaroon);
        command.Options.Add(lndCert);
        command.Options.Add(simnetFaucet);
        command.Options.Add(simnetFaucetMax);
        command.Options.Add(retentionDays);
        command.Options.Add(feeSweepInterval);
        command.Options.Add(unfiledDepositGrace);
        foreach (var bounty in new[] { bountyDeposit, bountyPrice, coordinatorFee, suspiciousGap, significance, bwrap }) command.Options.Add(bounty);
        foreach (var defence in new[] { noiseFloorSigmas, leaderRise, leaderDecay, leaderPeriod, noiseReruns, holdbackPct, holdbackDelay }) command.Options.Add(defence);
        foreach (var inference in new[] { inferenceBase, inferencePerToken, inferenceMaxTokens, inferenceConcurrency }) command.Options.Add(inference);
        foreach (var worker in new[] { workerPrice, workerMaxSteps, workerDeadline, workerPublicUrl, workerIndexUrl, workerName, workerArchives }) command.Options.Add(worker);
        Root.Subcommands.Add(command);
        return command;
    }

    /// <summary>Resolves the settings of a parsed command line.</summary>
    public SiloSettings Settings(ParseResult parse) => SiloSettings.Load(new Dictionary<string, string?>
    {
        ["Store"] = parse.GetValue(store),
        ["DataDir"] = parse.GetValue(dataDir),
        ["Roles"] = parse.GetValue(roles),
        ["Tracks"] = parse.GetValue(tracks),
        ["Urls"] = parse.GetValue(urls),
        ["SiloPort"] = parse.GetValue(siloPort),
        ["AdvertiseIp"] = parse.GetValue(advertiseIp),
        ["ClusterId"] = parse.GetValue(clusterId),
        // Only a flag given on the command line overrides L402TRAIN_KUBERNETES (a bool option has an implicit result when absent).
        ["Kubernetes"] = parse.GetResult(kubernetes) is { Implicit: false } ? parse.GetValue(kubernetes).ToString() : null,
        ["SecretFile"] = parse.GetValue(secretFile),
        ["Lightning"] = parse.GetValue(lightning),
        ["LndMacaroon"] = parse.GetValue(lndMacaroon),
        ["LndCert"] = parse.GetValue(lndCert),
        // Only a flag given on the command line overrides the environment and appsettings.json (a bool option
        // has an implicit result when absent, which would otherwise turn L402TRAIN_SIMNETFAUCET=true off).
        ["SimnetFaucet"] = parse.GetResult(simnetFaucet) is { Implicit: false } ? parse.GetValue(simnetFaucet).ToString() : null,
        ["RetentionDays"] = parse.GetValue(retentionDays),
        ["FeeSweepInterval"] = parse.GetValue(feeSweepInterval),
        ["UnfiledDepositGrace"] = parse.GetValue(unfiledDepositGrace),
        ["SimnetFaucetMaxSat"] = parse.GetResult(simnetFaucetMax) is not null ? parse.GetValue(simnetFaucetMax) : null,
        ["BountyDepositSat"] = parse.GetValue(bountyDeposit),
        ["BountyPriceSat"] = parse.GetValue(bountyPrice),
        ["CoordinatorFeePct"] = parse.GetValue(coordinatorFee),
        ["SuspiciousGap"] = parse.GetValue(suspiciousGap),
        ["SignificanceLevel"] = parse.GetValue(significance),
        ["NoiseFloorSigmas"] = parse.GetValue(noiseFloorSigmas),
        ["LeaderThresholdRise"] = parse.GetValue(leaderRise),
        ["LeaderThresholdDecay"] = parse.GetValue(leaderDecay),
        ["LeaderThresholdPeriodS"] = parse.GetValue(leaderPeriod),
        ["BountyNoiseReruns"] = parse.GetValue(noiseReruns),
        ["BountyHoldbackPct"] = parse.GetValue(holdbackPct),
        ["BountyHoldbackDelayS"] = parse.GetValue(holdbackDelay),
        ["Bwrap"] = parse.GetValue(bwrap),
        ["InferenceBaseSat"] = parse.GetValue(inferenceBase),
        ["InferenceMsatPerToken"] = parse.GetValue(inferencePerToken),
        ["InferenceMaxTokens"] = parse.GetValue(inferenceMaxTokens),
        ["InferenceConcurrency"] = parse.GetValue(inferenceConcurrency),
        ["WorkerPriceSats"] = parse.GetValue(workerPrice),
        ["WorkerMaxSteps"] = parse.GetValue(workerMaxSteps),
        ["WorkerDeadlineS"] = parse.GetValue(workerDeadline),
        ["WorkerPublicUrl"] = parse.GetValue(workerPublicUrl),
        ["WorkerIndexUrl"] = parse.GetValue(workerIndexUrl),
        ["WorkerName"] = parse.GetValue(workerName),
        ["WorkerArchives"] = parse.GetValue(workerArchives),
    }, environment, workingDirectory);

    /// <summary>Runs <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/> (default: the console).</summary>
    public Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default) =>
        Root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error }, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with validated settings and a migrated store; setting errors become one line and exit code 2.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> WithStore(Func<ParseResult, SiloSettings, CancellationToken, Task<int>> body) => async (parse, ct) =>
    {
        var error = parse.InvocationConfiguration.Error;
        SiloSettings settings;
        try
        {
            settings = Settings(parse);
            try
            {
                SecretFiles.CreateDirectory(settings.DataDir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SiloSettingException("data-dir", $"cannot create or use '{settings.DataDir}' ({OneLine(ex.Message)}); choose a folder this user can write");
            }
            await using var opened = settings.Store.Open();
            await opened.MigrateAsync(ct);
        }
        catch (SiloSettingException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return SettingError;
        }
        catch (InvalidDataException ex) when (StartupFailure.Describe(ex) is { } line)
        {
            await error.WriteLineAsync($"error: {line}");
            return SettingError;
        }
        catch (Exception ex) when (ex is DbException or SocketException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            await error.WriteLineAsync($"error: {new SiloSettingException("store", $"cannot open the store ({OneLine(ex.Message)}); check the setting and that the database is running and reachable").Message}");
            return SettingError;
        }
        try
        {
            return await body(parse, settings, ct);
        }
        catch (Exception ex) when (ex is SecretFileException or SiloSettingException or Lightning.Simnet.SimnetStateException)
        {
            // Data an operator must fix by hand: one line that says what and how, not a stack trace.
            await error.WriteLineAsync($"error: {ex.Message}");
            return SettingError;
        }
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private Command ServeCommand()
    {
        var serve = new Command("serve", "Start a silo: the HTTP gateway (status, L402-priced training API, simnet facade), validators and settlers, by --roles.");
        var corpusOption = CorpusChoice.CreateOption();
        serve.Options.Add(corpusOption);
        serve.SetAction(WithStore(async (parse, settings, ct) =>
        {
            var corpus = await CorpusChoice.ResolveAsync(parse.GetValue(corpusOption), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (corpus is null) return SettingError;
            var training = TrainingOptions.Default with { Setup = TrainingOptions.Default.Setup with { Corpus = corpus } };
            WebApplication? app = null;
            try
            {
                // A busy port, a missing sandbox or a wrong setting found while starting is one line, not a stack trace.
                var starting = true;
                var started = await StartupFailure.RunAsync(parse.InvocationConfiguration.Error, async () =>
                {
                    ListenCheck.ThrowIfBusy(settings.Urls);
                    app = SiloHost.Build(settings, builder => StartupFailure.HideHostStartLog(builder, () => starting), training: training);
                    await app.StartAsync(ct);
                    starting = false;
                    return 0;
                });
                if (started != 0 || app is null) return started;
                await parse.InvocationConfiguration.Output.WriteLineAsync(
                    $"silo {settings.SiloId} ({string.Join(",", settings.Roles)}) on {string.Join(" ", app.Urls)}, store {settings.Store}, corpus {corpus}");
                await app.WaitForShutdownAsync(ct);
                return 0;
            }
            finally
            {
                if (app is not null) await app.DisposeAsync();
            }
        }));
        return serve;
    }

    private Command LedgerCheckCommand()
    {
        var check = new Command("check", "Reconcile the ledger with the Lightning node's balance, counting standard fees paid but not recorded yet; exits 1 on any other difference.");
        // A PostgreSQL store makes the check a (short-lived) member of the cluster: it needs its own silo port.
        foreach (var option in new Option[] { store, dataDir, siloPort, advertiseIp, clusterId, secretFile, lightning, lndMacaroon, lndCert }) check.Options.Add(option);
        check.SetAction(WithStore(async (parse, settings, ct) =>
        {
            // Only the store and the node are needed: no listener, no job worker.
            var starting = true;
            // Run inside a silo's pod (kubectl exec), it is a second member beside that silo: no Kubernetes hosting, which would claim the pod's name.
            await using var app = SiloHost.Build(settings with { Urls = ["http://127.0.0.1:0"], Roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "gateway" }, Kubernetes = null },
                builder => StartupFailure.HideHostStartLog(builder, () => starting));
            var started = await StartupFailure.RunAsync(parse.InvocationConfiguration.Error, async () =>
            {
                await app.StartAsync(ct);
                starting = false;
                return 0;
            });
            if (started != 0) return started;
            var result = await Grains.Payments.LedgerReconciliation.CheckAsync(app.Services.GetRequiredService<IGrainFactory>(),
                app.Services.GetRequiredService<Lightning.ILightningNode>(), app.Services.GetRequiredService<Grains.Payments.StandardFeeInvoices>(), ct);
            var output = parse.InvocationConfiguration.Output;
            // Dead money jobs first: a dead settle or payout leaves money where the ledger cannot see it.
            await DeadMoneyJobs.WriteAsync(app.Services.GetRequiredService<IGrainStore>(), output, ct);
            await app.StopAsync(ct);
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            await output.WriteLineAsync(string.Create(invariant,
                $"opening {result.OpeningSat} sat + in {result.InSat} sat - out {result.OutSat} sat = expected {result.ExpectedSat} sat; node holds {result.ActualSat} sat ({result.Entries} entries)"));
            // Paid standard fees reach the ledger when used or by the next fee sweep: a gap they explain is no difference.
            await output.WriteLineAsync(string.Create(invariant,
                $"in transit: {result.InTransitSat:N0} sat in {result.InTransitFees} {(result.InTransitFees == 1 ? "fee" : "fees")} paid, recorded when used or by the next fee sweep"));
            await output.WriteLineAsync(result.Reconciled ? "reconciled" : string.Create(invariant, $"DIFFERENCE: {result.DifferenceSat} sat"));
            return result.Reconciled ? 0 : 1;
        }));
        return check;
    }

    private Command MigrateCommand()
    {
        var migrate = new Command("migrate", "Apply the schema migrations to the store and exit.");
        migrate.SetAction(WithStore(async (parse, settings, _) =>
        {
            await parse.InvocationConfiguration.Output.WriteLineAsync($"store {settings.Store} is migrated");
            return 0;
        }));
        return migrate;
    }
}
