using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.Protocol.Research;

namespace L402Train.PeerAgent.Research;

/// <summary>
/// What the loop buys a run of: a config for the worker's built-in trainer, or an archive (a
/// <c>.tar.gz</c>, or a folder packed into one) and the command that runs it, with
/// <see cref="Config"/> as its overrides. THINK varies <see cref="Config"/>; the archive and the
/// command stay as given.
/// </summary>
/// <param name="Config">The trainer config, or the archive's overrides (may be empty).</param>
/// <param name="Archive">The gzipped tar, or null for the built-in trainer.</param>
/// <param name="Command">The command run inside the archive's folder, or null for the built-in trainer.</param>
public sealed record ResearchExperiment(JsonObject Config, byte[]? Archive = null, string? Command = null)
{
    /// <summary>True for an archive and a command; false for the built-in trainer.</summary>
    public bool IsArchive => Archive is not null;

    /// <summary>What a state file belongs to: <c>trainer</c>, or the archive's hash and the command.</summary>
    public string Identity => Archive is null ? "trainer" : $"{ArchiveHash} {Command}";

    /// <summary><c>sha256:&lt;hex&gt;</c> of the archive's bytes (the worker's <c>train_hash</c> of an archive run); null for the trainer.</summary>
    public string? ArchiveHash => Archive is null ? null : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Archive));

    /// <summary>
    /// The <c>POST /experiment</c> body for <paramref name="config"/>: the trainer's settings, or the
    /// archive, its command and <paramref name="config"/> as its overrides. A trainer field the
    /// protocol does not know is an <see cref="ArgumentException"/> naming it (a typo would otherwise
    /// run the default silently).
    /// </summary>
    public ExperimentRequest Request(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Archive is not null)
        {
            return new ExperimentRequest
            {
                Archive = Convert.ToBase64String(Archive),
                Command = Command,
                Config = config.Count == 0 ? null : config.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value), StringComparer.Ordinal),
            };
        }
        TrainerConfig trainer;
        try
        {
            trainer = config.Deserialize<TrainerConfig>(ProtocolJson.Options) ?? new TrainerConfig();
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the trainer config has a field of the wrong type: {e.Message}", e);
        }
        var known = JsonSerializer.SerializeToNode(new TrainerConfig
        {
            Layers = 0, Channels = 0, Heads = 0, SequenceLength = 0, BatchSize = 0, Steps = 0, LearningRate = 0, WarmupSteps = 0,
            MinLearningRateFraction = 0, WeightDecay = 0, Beta1 = 0, Beta2 = 0, GradientClipNorm = 0, Seed = 0, EvalBatches = 0,
        }, ProtocolJson.Options)!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        if (config.Select(p => p.Key).FirstOrDefault(k => !known.Contains(k)) is { } unknown)
            throw new ArgumentException($"'{unknown}' is not a trainer setting; the trainer takes {string.Join(", ", known.Order(StringComparer.Ordinal))}");
        return new ExperimentRequest { Trainer = trainer };
    }

    /// <summary>
    /// The <c>train_hash</c> a worker must report for <paramref name="view"/>: the archive's hash, or
    /// the hash of the resolved trainer settings as the protocol writes them.
    /// </summary>
    public string? ExpectedTrainHash(ExperimentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (Archive is not null) return ArchiveHash;
        return view.Trainer is null ? null : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(view.Trainer, ProtocolJson.Options)));
    }

    /// <summary>The same experiment with another config.</summary>
    public ResearchExperiment WithConfig(JsonObject config) => this with { Config = config };

    /// <summary>
    /// Reads the <c>loop</c>/<c>submit</c> argument: none is the built-in trainer's default config
    /// (an empty object: the worker fills in its defaults); a <c>.json</c> file is a config; a
    /// folder or any other file is an archive run with <paramref name="command"/>.
    /// <paramref name="overrides"/> (<c>--config</c>) are merged over the config. Errors are
    /// <see cref="ArgumentException"/>s saying what to fix.
    /// </summary>
    public static ResearchExperiment Load(string? path, string? overrides, string? command)
    {
        var config = new JsonObject();
        byte[]? archive = null;
        if (path is { Length: > 0 })
        {
            if (Directory.Exists(path)) archive = Pack(path);
            else if (!File.Exists(path)) throw new ArgumentException($"the experiment {path} is neither a file nor a folder");
            else if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) config = ParseObject(File.ReadAllText(path), path);
            else archive = File.ReadAllBytes(path);
            if (archive is not null && command is not { Length: > 0 }) throw new ArgumentException("--command is required for an archive: what runs it (its last stdout line is a JSON object of metrics)");
        }
        else if (command is not null)
        {
            throw new ArgumentException("--command needs an archive (a folder or a .tar.gz) to run in");
        }
        if (archive is null && command is not null) throw new ArgumentException("--command is for archives; a .json experiment is a trainer config");
        if (overrides is { Length: > 0 })
        {
            foreach (var (key, value) in ParseObject(overrides, "--config")) config[key] = value?.DeepClone();
        }
        return new ResearchExperiment(config, archive, archive is null ? null : command);
    }

    private static JsonObject ParseObject(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new ArgumentException($"{what} must be a JSON object such as {{\"learning_rate\": 0.003}}");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{what} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Packs a folder as a gzipped tar, entries sorted and stamped with a fixed time, so the same files give the same bytes (and the same train hash).</summary>
    public static byte[] Pack(string folder)
    {
        var root = Path.GetFullPath(folder);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(file);
                if (info.LinkTarget is not null) throw new ArgumentException($"{file} is a symbolic link; an archive holds plain files only");
                var entry = new PaxTarEntry(TarEntryType.RegularFile, Path.GetRelativePath(root, file).Replace('\\', '/'))
                {
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    DataStream = File.OpenRead(file),
                };
                tar.WriteEntry(entry);
                entry.DataStream.Dispose();
            }
        }
        return buffer.ToArray();
    }
}
