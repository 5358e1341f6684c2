using L402Train.Compression;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Tokenizer;

namespace L402Train.PeerAgent.Training;

/// <summary>What a peer derives from the coordinator's setup: the model, the payload manifest, the codec settings and its corpus.</summary>
public sealed class TrainingRecipe
{
    /// <summary>Builds the recipe (the corpus is generated once, deterministically, from the public seed).</summary>
    public TrainingRecipe(RemoteSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        Setup = setup;
        Config = GptConfig.FromName(setup.Model);
        Manifest = new TensorManifest(GptModel.LayoutOf(Config).Select(t => new Compression.TensorSpec(t.Name, [.. t.Shape])));
        Compression = CompressionSettings.Default with { TopK = setup.TopK, MaxDegreeOfParallelism = 1 };
        Tokens = TokenStream.FromDocuments(new StoryGenerator(setup.CorpusSeed).Generate(setup.CorpusStories), ByteTokenizer.Instance);
    }

    /// <summary>The coordinator's setup.</summary>
    public RemoteSetup Setup { get; }

    /// <summary>The architecture.</summary>
    public GptConfig Config { get; }

    /// <summary>The tensors a payload carries.</summary>
    public TensorManifest Manifest { get; }

    /// <summary>Codec settings shared with the validator.</summary>
    public CompressionSettings Compression { get; }

    /// <summary>The public training corpus.</summary>
    public TokenStream Tokens { get; }
}
