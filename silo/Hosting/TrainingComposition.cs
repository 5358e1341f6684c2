using System.Security.Cryptography;
using L402Train.Gateway.Apis;
using L402Train.Gateway.L402;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.L402.Gate;
using L402Train.L402.Tokens;
using L402Train.Lightning;
using L402Train.Model.Gpt;

namespace L402Train.Silo.Hosting;

/// <summary>Everything the training track is configured with.</summary>
/// <param name="Setup">Model, corpus and compression settings shared with peers.</param>
/// <param name="Schedule">Prices, deposit, rewards and validation parameters.</param>
public sealed record TrainingOptions(TrainingSetup Setup, RewardSchedule Schedule)
{
    /// <summary>The defaults.</summary>
    public static TrainingOptions Default { get; } = new(new TrainingSetup(), new RewardSchedule());
}

/// <summary>Composes the training track and the L402 gate into a silo.</summary>
public static class TrainingComposition
{
    /// <summary>The job lane of validation and aggregation (see <see cref="JobWorkerOptions.Lanes"/>).</summary>
    public const string ComputeLane = "compute";

    /// <summary>
    /// Registers the L402 gate (durable hold tokens), the training grains, stores and, by role, job handlers.
    /// The server secret is <paramref name="secretFile"/> when given (never written), else <c>l402-secret</c> under <paramref name="dataDir"/>.
    /// </summary>
    public static WebApplicationBuilder AddTrainingTrack(this WebApplicationBuilder builder, TrainingOptions options, string dataDir, string? secretFile = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var services = builder.Services;
        var keys = new RootKeyRing(secretFile is null ? LoadOrCreateSecret(Path.Combine(dataDir, "l402-secret")) : LoadSecret(secretFile));
        var heldOutSeed = LoadOrCreateSeed(Path.Combine(dataDir, "heldout-seed"));
        // The KJV is cut with the held-out seed: peers get the training side (GET /corpus, checked
        // against corpus_sha256 in /status), validators score on the rest.
        var corpus = TrainingCorpus.Build(options.Setup, heldOutSeed);
        options = options with { Setup = options.Setup with { CorpusSha256 = corpus.Kjv?.TrainingTextSha256 } };
        services.AddSingleton(corpus);
        services.AddSingleton<IHoldTokenRegistry, GrainHoldTokenRegistry>();
        services.AddL402Gate(keys);
        // What the fee sweep and the ledger check count as a fee: read from each invoice's memo, no row per challenge.
        services.AddSingleton(sp => GatewayFees.For(sp.GetRequiredService<L402GateOptions>()));
        services.AddSingleton(options.Setup);
        services.AddSingleton(options.Schedule);
        services.AddSingleton(new SubmissionValidator(options.Setup, options.Schedule));
        services.AddSingleton(new HeldOutSet(heldOutSeed, corpus.HeldOut, options.Setup, options.Schedule));
        services.AddSingleton<ICheckpointStore>(sp => new BlobCheckpointStore(sp.GetRequiredService<IBlobStore>(), options.Setup.Config, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IGradientStore>(sp => new BlobGradientStore(sp.GetRequiredService<IBlobStore>()));
        services.AddSingleton<IDepositPreimages>(new KeyRingDepositPreimages(keys));
        services.AddSingleton(new PaymentOwners().Add<ISubmissionGrain>(SubmissionGrain.OwnerKind));
        services.ConfigureSilo(RegisterGrainsAndJobs);
        services.AddHostedService<TrainingBootstrap>();
        builder.AddDeadJobOwner(TrainingJobTypes.ValidateSubmission, TrainingValidatorError.DecideFromPayloadAsync);
        builder.AddFeeSweep();
        return builder;
    }

    /// <summary>Maps the training API.</summary>
    public static WebApplication MapTrainingTrack(this WebApplication app)
    {
        app.MapTrainingApi();
        app.MapCorpusApi(app.Services.GetRequiredService<TrainingCorpus>());
        return app;
    }

    private static void RegisterGrainsAndJobs(SiloJobs silo, IServiceProvider sp)
    {
        var roles = sp.GetRequiredService<SiloSettings>().Roles;
        if (roles.Contains("validator"))
        {
            // CPU-bound jobs get their own lane, so settles and refunds never wait for a runner behind them.
            silo.Configure(o =>
            {
                o.Jobs.Lanes[TrainingJobTypes.ValidateSubmission] = ComputeLane;
                o.Jobs.Lanes[TrainingJobTypes.AggregateRound] = ComputeLane;
            });
            silo.AddJobHandler(TrainingJobTypes.ValidateSubmission, s => ActivatorUtilities.CreateInstance<ValidateSubmissionHandler>(s));
            silo.AddJobHandler(TrainingJobTypes.AggregateRound, s => ActivatorUtilities.CreateInstance<AggregateRoundHandler>(s));
        }
        if (roles.Contains("settler"))
        {
            silo.AddJobHandler(TrainingJobTypes.CloseRound, new CloseRoundHandler());
            // Rows of the retired per-challenge fee check an older version left: completed, nothing else.
            silo.AddJobHandler(TrainingJobTypes.CheckCheckpointFee, new RetiredFeeCheckHandler());
            silo.AddJobHandler(PaymentJobTypes.SettleDeposit, s => ActivatorUtilities.CreateInstance<SettleDepositHandler>(s));
            silo.AddJobHandler(PaymentJobTypes.CancelDeposit, s => ActivatorUtilities.CreateInstance<CancelDepositHandler>(s));
            silo.AddJobHandler(PaymentJobTypes.PayReward, s => ActivatorUtilities.CreateInstance<PayRewardHandler>(s));
        }
    }

    // The server secret signs every macaroon and derives every deposit preimage: keep it with the data, never regenerate it.
    // Whoever reads it mints tokens without paying, so it is created 0600 and refused when others may read it.
    private static ServerSecret LoadOrCreateSecret(string path)
    {
        if (!File.Exists(path)) SecretFiles.WriteOnce(path, $"1:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}");
        SecretFiles.RequirePrivate(path);
        return ServerSecret.Parse(File.ReadAllText(path).Trim());
    }

    // A secret the operator provides (a mounted Secret): shared by every silo, so it is never generated here.
    private static ServerSecret LoadSecret(string path)
    {
        SecretFiles.RequirePrivate(path);
        try
        {
            return ServerSecret.Parse(File.ReadAllText(path).Trim());
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new SiloSettingException("secret-file", $"'{path}' is not a server secret ({ex.Message}); write one with: echo \"1:$(openssl rand -hex 32)\" > {path}");
        }
    }

    // Whoever reads the seed knows the held-out batches every submission is scored on.
    private static ulong LoadOrCreateSeed(string path)
    {
        if (!File.Exists(path)) SecretFiles.WriteOnce(path, BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        SecretFiles.RequirePrivate(path);
        return ulong.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Creates version 0 and opens round 1 on first start; opens the ledger with the node's balance.</summary>
    private sealed class TrainingBootstrap(IGrainFactory grains, ICheckpointStore checkpoints, TrainingSetup setup, ILightningNode node, IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            WarmMoneyPath();
            // A new ledger's opening balance already holds every fee paid before it: the fee sweep starts
            // after the node's newest invoice (read first), so a node that outlived an old data directory is not booked twice.
            var newest = (await node.ListInvoicesAsync(new InvoiceQuery(0, 1, Reversed: true), cancellationToken)).LastIndexOffset;
            var balance = await node.GetBalanceAsync(cancellationToken);
            var ledger = grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey);
            var opening = !(await ledger.GetAsync()).Opened;
            await ledger.OpenAtAsync(balance.Local.ToSatsFloor(), newest);
            // Faucet grants the ledger missed (a crash between grant and entry) are booked now, before anyone is served.
            if (services.GetService<SimnetFaucetLedger>() is { } faucet) await faucet.RecordAsync(inOpening: opening, cancellationToken);
            var run = grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey);
            if ((await run.GetAsync()).Started) return;
            var model = GptModel.Create(setup.Config, setup.InitSeed, threads: 1);
            var initial = await checkpoints.SaveAsync(model.Parameters, version: 0, fromRound: 0, cancellationToken);
            await run.StartAsync(initial);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        // The first verdict's settle would otherwise pay for building the JSON contracts of every
        // state it writes (tens of milliseconds each): build them while the silo starts.
        private static void WarmMoneyPath()
        {
            GrainJson.Options.MakeReadOnly(populateMissingResolver: true);
            foreach (var type in new[] { typeof(SubmissionState), typeof(RoundState), typeof(PeerState), typeof(InvoiceRecord), typeof(LedgerState), typeof(DepositJob), typeof(RewardJob) })
                GrainJson.Options.GetTypeInfo(type);
        }
    }
}
