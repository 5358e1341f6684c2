using System.Text.Json.Serialization;
using L402Train.Compression;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;

namespace L402Train.Grains.Training;

/// <summary>
/// What peers and validators must agree on to train the same model: architecture, initial seed,
/// the public training corpus, sequence length and compression settings. Served by
/// <c>GET /status</c> so a peer can set itself up from the coordinator alone.
/// </summary>
public sealed record TrainingSetup
{
    /// <summary>Model configuration name (<c>tiny</c>, <c>small</c>).</summary>
    public string Model { get; init; } = "tiny";

    /// <summary>Seed of the initial weights (version 0).</summary>
    public ulong InitSeed { get; init; } = 42;

    /// <summary>
    /// The training text: <c>generated</c> (stories from <see cref="CorpusSeed"/>, built by every peer
    /// alike) or <c>kjv</c> (the King James Bible split by chapter with the coordinator's secret; peers
    /// download the training side from <c>GET /corpus</c> and check it against <see cref="CorpusSha256"/>).
    /// </summary>
    public string Corpus { get; init; } = CorpusNames.Generated;

    /// <summary>With <c>kjv</c>: SHA-256 (lower-case hex) of the training text <c>GET /corpus</c> serves; null otherwise.</summary>
    public string? CorpusSha256 { get; init; }

    /// <summary>Seed of the public training corpus (the shipped story generator).</summary>
    public ulong CorpusSeed { get; init; } = 2026;

    /// <summary>Stories in the public training corpus.</summary>
    public int CorpusStories { get; init; } = 3000;

    /// <summary>Tokens per training and evaluation sequence.</summary>
    public int SequenceLength { get; init; } = 64;

    /// <summary>Top-k per 4,096-element chunk.</summary>
    public int TopK { get; init; } = 64;

    /// <summary>β of each peer's error feedback, EF ← β·EF + Δ (the reference's 0.95; its 1B sweep used 0.999).</summary>
    public float ErrorFeedbackDecay { get; init; } = 0.95f;

    /// <summary>Checks the setup; returns the first problem, naming the field, or null.</summary>
    public string? Validate()
    {
        if (!GptConfig.Names.Contains(Model)) return $"model must be one of {string.Join(", ", GptConfig.Names)}";
        if (CorpusNames.Parse(Corpus) != Corpus) return $"corpus must be one of {string.Join(", ", CorpusNames.All)}";
        if (CorpusStories < 10) return "corpus_stories must be at least 10";
        if (SequenceLength < 8 || SequenceLength > GptConfig.FromName(Model).MaxSequenceLength) return "sequence_length is out of range for the model";
        if (TopK < 1 || TopK > 4096) return "top_k must be in [1, 4096]";
        if (!float.IsFinite(ErrorFeedbackDecay) || ErrorFeedbackDecay is < 0 or > 1) return "error_feedback_decay must be in [0, 1]";
        return null;
    }

    /// <summary>The model architecture.</summary>
    [JsonIgnore]
    public GptConfig Config => GptConfig.FromName(Model);

    /// <summary>The tensors a gradient payload carries, in order.</summary>
    [JsonIgnore]
    public TensorManifest Manifest => new(GptModel.LayoutOf(Config).Select(t => new Compression.TensorSpec(t.Name, [.. t.Shape])));

    /// <summary>The compression settings peers and validators share.</summary>
    [JsonIgnore]
    public CompressionSettings Compression => CompressionSettings.Default with { TopK = TopK, ErrorFeedbackDecay = ErrorFeedbackDecay, MaxDegreeOfParallelism = 1 };

    /// <summary>The generated training corpus as token stream (every peer builds the same one).</summary>
    /// <exception cref="InvalidOperationException">The corpus is <c>kjv</c>, whose training side only the coordinator can cut (see <see cref="TrainingCorpus"/>).</exception>
    public TokenStream TrainingTokens() => Corpus == CorpusNames.Generated
        ? TokenStream.FromDocuments(new StoryGenerator(CorpusSeed).Generate(CorpusStories), L402Train.Model.Tokenizer.ByteTokenizer.Instance)
        : throw new InvalidOperationException($"The '{Corpus}' training text is cut with the coordinator's secret: build it with TrainingCorpus.Build or download it from GET /corpus.");
}
