using L402Train.Compression;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;

namespace L402Train.PeerAgent.Training;

/// <summary>
/// The training setup as <c>/status</c> shows it (the coordinator's <c>TrainingSetup</c>, read from its JSON):
/// what a peer needs to build the same model, corpus and codec as the validators. A copy of the shape rather
/// than a reference, so that the peer-agent needs neither the grains nor Orleans; a test in
/// L402Train.Training.Tests reads the coordinator's JSON into it and compares field by field.
/// </summary>
public sealed record RemoteTrainingSetup
{
    /// <summary>Model configuration name (<c>tiny</c>, <c>small</c>).</summary>
    public required string Model { get; init; }

    /// <summary>Seed of the initial weights (version 0).</summary>
    public required ulong InitSeed { get; init; }

    /// <summary>The training text: <c>generated</c> (built from <see cref="CorpusSeed"/>) or <c>kjv</c> (downloaded from <c>GET /corpus</c>).</summary>
    public string Corpus { get; init; } = CorpusNames.Generated;

    /// <summary>With <c>kjv</c>: SHA-256 of the text <c>GET /corpus</c> serves.</summary>
    public string? CorpusSha256 { get; init; }

    /// <summary>Seed of the public training corpus (the shipped story generator).</summary>
    public required ulong CorpusSeed { get; init; }

    /// <summary>Stories in the public training corpus.</summary>
    public required int CorpusStories { get; init; }

    /// <summary>Tokens per training and evaluation sequence.</summary>
    public required int SequenceLength { get; init; }

    /// <summary>Top-k per 4,096-element chunk.</summary>
    public required int TopK { get; init; }

    /// <summary>β of each peer's error feedback.</summary>
    public required float ErrorFeedbackDecay { get; init; }

    /// <summary>The model architecture.</summary>
    public GptConfig Config => GptConfig.FromName(Model);

    /// <summary>The tensors a gradient payload carries, in order.</summary>
    public TensorManifest Manifest => new(GptModel.LayoutOf(Config).Select(t => new Compression.TensorSpec(t.Name, [.. t.Shape])));

    /// <summary>The compression settings peers and validators share.</summary>
    public CompressionSettings Compression => CompressionSettings.Default with { TopK = TopK, ErrorFeedbackDecay = ErrorFeedbackDecay, MaxDegreeOfParallelism = 1 };

    /// <summary>The generated training corpus as token stream (every peer builds the same one).</summary>
    /// <exception cref="InvalidOperationException">The corpus is downloaded, not generated (see <see cref="CoordinatorClient.TrainingTextAsync"/>).</exception>
    public TokenStream TrainingTokens() => Corpus == CorpusNames.Generated
        ? TokenStream.FromDocuments(new StoryGenerator(CorpusSeed).Generate(CorpusStories), L402Train.Model.Tokenizer.ByteTokenizer.Instance)
        : throw new InvalidOperationException($"The '{Corpus}' corpus is downloaded from GET /corpus, not generated.");
}
