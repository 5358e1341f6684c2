using L402Train.Compression;
using L402Train.Lightning;
using L402Train.Model.Checkpoints;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Tensors;
using L402Train.Model.Training;

namespace L402Train.PeerAgent.Training;

/// <summary>How a peer trains.</summary>
public sealed record PeerTrainerOptions
{
    /// <summary>K: local AdamW steps per round.</summary>
    public int InnerSteps { get; init; } = 30;

    /// <summary>Sequences per local batch.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Peak inner learning rate.</summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>Seed of this peer's batch sampling (peers see different data).</summary>
    public ulong DataSeed { get; init; } = 1;

    /// <summary>Wire format version of uploads.</summary>
    public WireVersion Wire { get; init; } = WireVersion.V2;

    /// <summary>Threads for local training (0: all cores).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>How long to wait for a verdict.</summary>
    public TimeSpan VerdictTimeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>What one round of a peer produced.</summary>
/// <param name="Round">The round it submitted to.</param>
/// <param name="BaseVersion">The checkpoint version it trained on.</param>
/// <param name="SubmissionId">Its submission.</param>
/// <param name="Verdict">The verdict reason.</param>
/// <param name="Score">The verdict's score.</param>
/// <param name="DepositSats">The deposit paid.</param>
/// <param name="Deposit">What happened to it.</param>
/// <param name="RewardSats">Reward received.</param>
/// <param name="PayloadBytes">Upload size.</param>
/// <param name="TrainSeconds">Local training time.</param>
/// <param name="CompressSeconds">Compression time.</param>
/// <param name="UploadSeconds">Upload time (deposit payment included).</param>
/// <param name="VerdictSeconds">Time from upload to verdict.</param>
/// <param name="LastLoss">Training loss of the last local step.</param>
/// <param name="TrainCpuSeconds">CPU time of the local training (thread CPU time; the model trains on one thread by default).</param>
public sealed record PeerRoundResult(int Round, int BaseVersion, string SubmissionId, string? Verdict, double? Score, long DepositSats, string Deposit,
    long RewardSats, int PayloadBytes, double TrainSeconds, double CompressSeconds, double UploadSeconds, double VerdictSeconds, double? LastLoss,
    double TrainCpuSeconds);

/// <summary>
/// The peer's loop, one round at a time: sync status-first, download the checkpoint when it is
/// new (paying its fee), train K local steps, compress the pseudo-gradient with error feedback,
/// upload it behind a hold deposit, wait for the verdict, and claim the reward.
/// </summary>
public sealed class PeerTrainer(
    CoordinatorClient coordinator,
    ILightningNode wallet,
    string peerId,
    PeerProfile profile,
    PeerTrainerOptions options,
    TimeProvider time,
    CopyBoard? board = null,
    IProgress<string>? progress = null)
{
    // The coordinator's setup (model, corpus, codec), shared with its validators, and the public corpus built from it once.
    private TrainingSetupView? setup;
    private TokenStream? tokens;
    private GptModel? model;
    private LocalTrainer? trainer;
    private SparseLoCoEncoder? encoder;
    private ParameterSet? checkpointWeights;
    private int checkpointVersion = -1;
    private int lastRound;

    /// <summary>Runs one round: waits for a round this peer has not submitted to, then does the whole cycle.</summary>
    public async Task<PeerRoundResult> RunRoundAsync(CancellationToken cancellationToken)
    {
        var status = await WaitForNewRoundAsync(cancellationToken);
        if (setup is null)
        {
            setup = status.Setup;
            tokens = setup.Corpus == CorpusNames.Generated
                ? setup.TrainingTokens()
                : TokenStream.FromDocuments(await coordinator.TrainingTextAsync(setup.CorpusSha256
                    ?? throw new InvalidDataException($"/status names the '{setup.Corpus}' corpus without its corpus_sha256."), cancellationToken),
                    L402Train.Model.Tokenizer.ByteTokenizer.Instance);
        }
        var round = status.Round;
        if (checkpointVersion != status.BaseVersion && !(profile == PeerProfile.Stale && checkpointVersion >= 0))
            await SyncCheckpointAsync(cancellationToken);

        var clock = time.GetTimestamp();
        var ((delta, lastLoss), trainCpu) = await Task.Run(() => ThreadCpuTime.Measure(() => Train(round)), cancellationToken);
        var trainSeconds = time.GetElapsedTime(clock).TotalSeconds;

        clock = time.GetTimestamp();
        var payload = profile == PeerProfile.Copycat
            ? await CopyAsync(round, cancellationToken)
            : Compress(delta!);
        var compressSeconds = time.GetElapsedTime(clock).TotalSeconds;

        progress?.Report($"{peerId}: uploading {payload.Length:N0} bytes to round {round} (v{checkpointVersion})");
        clock = time.GetTimestamp();
        var upload = await coordinator.UploadAsync(payload, peerId, cancellationToken);
        var uploadSeconds = time.GetElapsedTime(clock).TotalSeconds;
        lastRound = round;
        // Published once filed, as in public gradient storage: a copy always arrives after its original.
        if (profile == PeerProfile.Honest) board?.Publish(round, payload);

        clock = time.GetTimestamp();
        var verdict = await WaitForVerdictAsync(upload.SubmissionId, cancellationToken);
        var verdictSeconds = time.GetElapsedTime(clock).TotalSeconds;
        long reward = 0;
        if (verdict.RewardSats > 0) reward = await ClaimAsync(upload, verdict, cancellationToken);
        verdict = await WaitForDepositAsync(upload.SubmissionId, cancellationToken);
        progress?.Report($"{peerId}: round {round} {verdict.Verdict} (score {verdict.Score:0.0000}), deposit {verdict.Deposit}, reward {reward} sat");
        return new PeerRoundResult(round, checkpointVersion, upload.SubmissionId, verdict.Verdict, verdict.Score, verdict.DepositSats, verdict.Deposit,
            reward, payload.Length, trainSeconds, compressSeconds, uploadSeconds, verdictSeconds, lastLoss, trainCpu.TotalSeconds);
    }

    private async Task<TrainingStatusView> WaitForNewRoundAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = (await coordinator.StatusAsync(cancellationToken)).Training
                ?? throw new InvalidOperationException("The coordinator runs no training.");
            if (status.Round > lastRound && status.RoundStatus == "open") return status;
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }
    }

    private async Task SyncCheckpointAsync(CancellationToken cancellationToken)
    {
        var bytes = await coordinator.CheckpointAsync(cancellationToken);
        var loaded = Checkpoint.Load(bytes, setup!.Config);
        checkpointWeights = loaded.Parameters;
        checkpointVersion = (int)loaded.Version;
        if (model is null)
        {
            model = GptModel.FromParameters(setup!.Config, loaded.Parameters.Clone(), options.Threads);
            var inner = profile == PeerProfile.Mediocre
                ? new AdamWOptions { LearningRate = options.LearningRate / 100 }
                : new AdamWOptions { LearningRate = options.LearningRate, WarmupSteps = Math.Min(5, options.InnerSteps) };
            trainer = new LocalTrainer(model, inner);
            encoder = new SparseLoCoEncoder(setup!.Manifest, setup!.Compression);
        }
        progress?.Report($"{peerId}: checkpoint v{checkpointVersion} ({bytes.Length:N0} bytes)");
    }

    private (ParameterSet? Delta, double? LastLoss) Train(int round)
    {
        if (profile is PeerProfile.FreeRider or PeerProfile.Copycat) return (ParameterSet.Zeros(model!.Parameters.Layout), null);
        model!.Restore(checkpointWeights!);
        var sampler = new BatchSampler(tokens!, options.BatchSize, setup!.SequenceLength);
        var steps = profile == PeerProfile.Mediocre ? 1 : options.InnerSteps;
        var result = trainer!.RunRound(steps, i => sampler.Sample(options.DataSeed, round, i));
        if (profile == PeerProfile.Poisoner) result.Delta.AddScaled(result.Delta, -2f); // the honest update reversed: gradient ascent
        return (result.Delta, result.Losses[^1]);
    }

    private byte[] Compress(ParameterSet delta)
    {
        var submission = encoder!.Compress(delta.Tensors.Select(t => (ReadOnlyMemory<float>)t.Values).ToList());
        return submission.ToBytes(options.Wire, PayloadMetadata.Create(checkpointVersion, peerId));
    }

    // A copy re-encoded with a little noise: not byte-identical, but the same top-k positions.
    private async Task<byte[]> CopyAsync(int round, CancellationToken cancellationToken)
    {
        var original = await (board ?? throw new InvalidOperationException("A copycat needs a board to copy from.")).TakeAsync(round, cancellationToken);
        var decoded = new SparseLoCoDecoder(setup!.Manifest, setup!.Compression).Decode(original);
        var dense = decoded.Submission.Densify();
        var noise = new Random(unchecked((int)options.DataSeed));
        foreach (var tensor in dense)
            for (var i = 0; i < tensor.Length; i++) if (tensor[i] != 0) tensor[i] *= 1 + (float)((noise.NextDouble() - 0.5) * 0.02);
        var copy = new SparseLoCoEncoder(setup!.Manifest, setup!.Compression).Compress(dense.Select(t => (ReadOnlyMemory<float>)t).ToList());
        return copy.ToBytes(options.Wire, PayloadMetadata.Create(checkpointVersion, peerId));
    }

    private async Task<SubmissionView> WaitForVerdictAsync(string id, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.VerdictTimeout;
        while (true)
        {
            var submission = await coordinator.SubmissionAsync(id, TimeSpan.FromSeconds(30), cancellationToken);
            if (submission.Status == "decided") return submission;
            if (time.GetUtcNow() > deadline) throw new TimeoutException($"No verdict for {id} after {options.VerdictTimeout}.");
        }
    }

    private async Task<SubmissionView> WaitForDepositAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var submission = await coordinator.SubmissionAsync(id, TimeSpan.Zero, cancellationToken);
            if (submission.Deposit is "refunded" or "forfeited") return submission;
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }

    private async Task<long> ClaimAsync(UploadResult upload, SubmissionView verdict, CancellationToken cancellationToken)
    {
        var invoice = await wallet.CreateInvoiceAsync(
            new CreateInvoiceRequest(new Sats(verdict.RewardSats).ToMilliSats(), $"reward {upload.SubmissionId[..12]}", TimeSpan.FromHours(1)), cancellationToken);
        await coordinator.ClaimAsync(upload.SubmissionId, invoice.PaymentRequest, upload.DepositCredential, cancellationToken);
        while (true)
        {
            var state = await coordinator.SubmissionAsync(upload.SubmissionId, TimeSpan.Zero, cancellationToken);
            if (state.Reward == "paid") return state.RewardSats;
            if (state.ClaimFailure is { } failure) throw new InvalidOperationException($"Claim of {upload.SubmissionId} failed: {failure}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }
}
