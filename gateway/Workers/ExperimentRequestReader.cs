using System.Security.Cryptography;
using System.Text.Json;
using L402Train.Gateway.Apis;
using L402Train.Gateway.Bounties;
using L402Train.Grains.Workers;
using L402Train.Protocol;
using L402Train.Protocol.Research;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace L402Train.Gateway.Workers;

/// <summary>
/// Reads and checks a <c>POST /experiment</c> body before the L402 gate prices it, so a request that would be
/// refused is never paid for. An empty body is the built-in trainer's default experiment.
/// </summary>
internal static class ExperimentRequestReader
{
    /// <summary>The checked experiment, or the 4xx problem naming the field.</summary>
    public static async Task<(ValidatedExperiment? Experiment, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, WorkerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        // Base64 grows by 4/3; the rest of the body is small.
        var body = await RequestBody.ReadAsync(request, (options.MaxArchiveBytes * 4 / 3) + (64 << 10), cancellationToken);
        if (body.Problem is { } tooBig) return (null, tooBig);
        ExperimentRequest? parsed;
        if (body.Bytes!.Length == 0)
        {
            parsed = new ExperimentRequest();
        }
        else
        {
            try
            {
                parsed = JsonSerializer.Deserialize<ExperimentRequest>(body.Bytes, ProtocolJson.Options);
            }
            catch (JsonException ex)
            {
                return (null, JsonBody.Bad($"The body is not an experiment{(ex.Path is { } path ? $" at {path}" : "")}: {ex.Message}"));
            }
            if (parsed is null) return (null, JsonBody.Bad("The body must be a JSON object (or empty, for the built-in trainer's default experiment)."));
        }
        return parsed.Archive is not null ? ReadArchive(parsed, options) : ReadTrainer(parsed, options);
    }

    /// <summary>The trainer settings of <paramref name="config"/> with every absent field at its default.</summary>
    public static TrainerSettings Resolve(TrainerConfig? config)
    {
        var d = TrainerSettings.Default;
        if (config is null) return d;
        return new TrainerSettings(
            config.Layers ?? d.Layers, config.Channels ?? d.Channels, config.Heads ?? d.Heads, config.SequenceLength ?? d.SequenceLength,
            config.BatchSize ?? d.BatchSize, config.Steps ?? d.Steps, config.LearningRate ?? d.LearningRate, config.WarmupSteps ?? d.WarmupSteps,
            config.MinLearningRateFraction ?? d.MinLearningRateFraction, config.WeightDecay ?? d.WeightDecay, config.Beta1 ?? d.Beta1,
            config.Beta2 ?? d.Beta2, config.GradientClipNorm ?? d.GradientClipNorm, config.Seed ?? d.Seed, config.EvalBatches ?? d.EvalBatches);
    }

    /// <summary>The wire form of resolved settings (what the result echoes and <c>train_hash</c> hashes).</summary>
    public static TrainerConfig View(TrainerSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new()
        {
            Layers = s.Layers, Channels = s.Channels, Heads = s.Heads, SequenceLength = s.SequenceLength, BatchSize = s.BatchSize, Steps = s.Steps,
            LearningRate = s.LearningRate, WarmupSteps = s.WarmupSteps, MinLearningRateFraction = s.MinLearningRateFraction, WeightDecay = s.WeightDecay,
            Beta1 = s.Beta1, Beta2 = s.Beta2, GradientClipNorm = s.GradientClipNorm, Seed = s.Seed, EvalBatches = s.EvalBatches,
        };
    }

    /// <summary><c>sha256:</c> and the hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string TrainHash(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static (ValidatedExperiment?, ProblemHttpResult?) ReadTrainer(ExperimentRequest request, WorkerOptions options)
    {
        if (request.Command is not null) return (null, JsonBody.Bad("command needs an archive: send archive (base64 tar.gz) with it, or drop command to use the built-in trainer."));
        var settings = Resolve(request.Trainer);
        if (settings.Problem(options.MaxTrainerSteps) is { } problem) return (null, JsonBody.Bad(problem));
        var view = View(settings);
        var hash = TrainHash(JsonSerializer.SerializeToUtf8Bytes(view, ProtocolJson.Options));
        return (new ValidatedExperiment(ExperimentRunKind.Trainer, settings, view, null, null, null, 0, hash), null);
    }

    private static (ValidatedExperiment?, ProblemHttpResult?) ReadArchive(ExperimentRequest request, WorkerOptions options)
    {
        if (!options.ArchivesOffered)
            return (null, JsonBody.Bad("archive: this worker does not offer archive experiments (it sells built-in trainer runs only); drop archive and command and send a trainer config, or an empty body for the default."));
        if (request.Trainer is not null) return (null, JsonBody.Bad("Send either trainer (the built-in trainer) or archive with command, not both."));
        if (string.IsNullOrWhiteSpace(request.Command)) return (null, JsonBody.Bad("command is required with archive: the shell command to run in the unpacked archive, e.g. \"python3 train.py\"."));
        if (request.Command.Length > 4096 || request.Command.Contains('\0', StringComparison.Ordinal))
            return (null, JsonBody.Bad("command must be at most 4096 characters without NUL."));
        byte[] archive;
        try
        {
            archive = Convert.FromBase64String(request.Archive!);
        }
        catch (FormatException)
        {
            return (null, JsonBody.Bad("archive must be standard base64 of a tar.gz."));
        }
        if (archive.Length == 0) return (null, JsonBody.Bad("archive is empty: send a base64 tar.gz of the experiment's files."));
        if (archive.Length > options.MaxArchiveBytes) return (null, JsonBody.Bad($"archive is {archive.Length} bytes decoded; this worker takes at most {options.MaxArchiveBytes}."));
        if (archive.Length < 2 || archive[0] != 0x1f || archive[1] != 0x8b) return (null, JsonBody.Bad("archive is not gzip data: send a tar.gz."));
        var limit = (int)options.SandboxLimits.WallClock.TotalSeconds;
        if (request.TimeoutSeconds is < 1 || request.TimeoutSeconds > limit)
            return (null, JsonBody.Bad($"timeout_seconds must be from 1 to {limit} on this worker."));
        var config = request.Config is null ? null : JsonSerializer.Serialize(request.Config, ProtocolJson.Options);
        return (new ValidatedExperiment(ExperimentRunKind.Archive, null, null, archive, request.Command, config, request.TimeoutSeconds ?? limit, TrainHash(archive)), null);
    }
}
