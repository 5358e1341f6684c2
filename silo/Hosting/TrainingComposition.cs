using System.Security.Cryptography;
using L402Train.Gateway.Apis;
using L402Train.Grains;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.Model.Gpt;

namespace L402Train.Silo.Hosting;

/// <summary>Everything the training track is configured with.</summary>
/// <param name="Setup">Model, corpus and compression settings shared with peers.</param>
/// <param name="Schedule">Prices, deposit, rewards and validation parameters.</param>
internal sealed record TrainingOptions(TrainingSetup Setup, RewardSchedule Schedule)
{
    /// <summary>The defaults.</summary>
    public static TrainingOptions Default { get; } = new(new TrainingSetup(), new RewardSchedule());
}

/// <summary>Composes the training track into a silo: the corpus, the held-out set, the stores, the grains' jobs (<see cref="TrainingServices.AddTraining"/>) and the API.</summary>
internal static class TrainingComposition
{
    /// <summary>The job lane of validation and aggregation (see <see cref="JobWorkerOptions.Lanes"/>).</summary>
    public const string ComputeLane = JobLanes.Compute;

    /// <summary>
    /// Registers the training track: the corpus and held-out set cut with the data directory's held-out seed,
    /// the checkpoint and gradient stores, the shared wiring (<see cref="TrainingServices.AddTraining"/>), and the
    /// start-up that writes version 0 and opens round 1. Needs the L402 gateway (<see cref="GatewayComposition.AddL402Gateway"/>).
    /// </summary>
    public static WebApplicationBuilder AddTrainingTrack(this WebApplicationBuilder builder, TrainingOptions options, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var services = builder.Services;
        var heldOutSeed = LoadOrCreateSeed(Path.Combine(dataDir, "heldout-seed"));
        // The KJV is cut with the held-out seed: peers get the training side (GET /corpus, checked
        // against corpus_sha256 in /status), validators score on the rest.
        var corpus = TrainingCorpus.Build(options.Setup, heldOutSeed);
        options = options with { Setup = options.Setup with { CorpusSha256 = corpus.Kjv?.TrainingTextSha256 } };
        services.AddSingleton(corpus);
        services.AddTraining(options.Setup, options.Schedule);
        services.AddSingleton(new HeldOutSet(heldOutSeed, corpus.HeldOut, options.Setup, options.Schedule));
        services.AddSingleton<ICheckpointStore>(sp => new BlobCheckpointStore(sp.GetRequiredService<IBlobStore>(), options.Setup.Config, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IGradientStore>(sp => new BlobGradientStore(sp.GetRequiredService<IBlobStore>()));
        services.AddHostedService<TrainingBootstrap>();
        return builder;
    }

    /// <summary>Maps the training API.</summary>
    public static WebApplication MapTrainingTrack(this WebApplication app)
    {
        app.MapTrainingApi();
        app.MapCorpusApi(app.Services.GetRequiredService<TrainingCorpus>());
        return app;
    }

    // Whoever reads the seed knows the held-out batches every submission is scored on.
    private static ulong LoadOrCreateSeed(string path)
    {
        if (!File.Exists(path)) SecretFiles.WriteOnce(path, BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        SecretFiles.RequirePrivate(path);
        return ulong.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Creates version 0 and opens round 1 on first start (after the gateway opened the ledger).</summary>
    private sealed class TrainingBootstrap(IGrainFactory grains, ICheckpointStore checkpoints, TrainingSetup setup) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            WarmMoneyPath();
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
